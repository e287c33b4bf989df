/// The comparison's "LLM calls" section: for each request name that made LLM calls in any of
/// the runs, its token timing, throughput and goodput side by side with the change against the
/// first run, and time to first token and output tokens per second over time on shared axes.
extension HTMLComparison {
    static func llmSection(_ runs: [Run]) -> String? {
        let names = Set(runs.flatMap { $0.result.byName.filter { $0.llm != nil }.map(\.name) }).sorted()
        guard !names.isEmpty else { return nil }
        var html = "<div class=\"charts\">" + llmCharts(runs).map { $0.figure() }.joined() + "</div>"
        let tokens = { (v: Double) in String(format: "%.1f", v) }
        func trend(_ label: String, _ t: @escaping (LLMStats) -> TrendStats, _ p: @escaping (TrendStats) -> Double,
                   format: @escaping (Double) -> String = HTML.ms, better: Int = -1) -> LLMRow {
            LLMRow(label: label, value: { l in t(l).count > 0 ? p(t(l)) : nil }, format: format, better: better)
        }
        let rows: [LLMRow] = [
            LLMRow(label: "calls", value: { Double($0.calls) }, format: { HTML.count(Int($0)) }, better: 0),
            trend("time to first token p50", \.ttft, \.med),
            trend("time to first token p99", \.ttft, \.p99),
            trend("inter-token latency p50", \.itl, \.med),
            trend("inter-token latency p99", \.itl, \.p99),
            trend("time per output token p50", \.tpot, \.med),
            trend("time per output token p99", \.tpot, \.p99),
            trend("end to end p50", \.e2e, \.med),
            trend("end to end p99", \.e2e, \.p99),
            trend("output tokens/s per call p50", \.outputTokensPerSecond, \.med, format: tokens, better: 1),
            LLMRow(label: "output tokens/s", value: { $0.outputTokenRate }, format: tokens, better: 1),
            LLMRow(label: "goodput/s", value: { $0.goodput }, format: { String(format: "%.2f", $0) }, better: 1),
            LLMRow(label: "met the SLOs", value: { $0.calls > 0 ? Double($0.goodCalls) / Double($0.calls) : nil },
                   format: HTML.percent, better: 1),
        ]
        for name in names {
            let stats = runs.map { run in run.result.byName.first { $0.name == name }?.llm }
            var out = "<h2>\(HTML.escape(name))</h2><table><thead><tr><th></th>"
            for r in runs { out += "<th class=\"num\">\(HTML.escape(r.label))</th>" }
            out += "</tr></thead><tbody>"
            for row in rows {
                let values = stats.map { $0.flatMap(row.value) }
                guard values.contains(where: { $0 != nil }) else { continue }
                out += "<tr><td>\(HTML.escape(row.label))</td>"
                for (i, v) in values.enumerated() {
                    guard let v else { out += "<td class=\"num muted\">—</td>"; continue }
                    let change = i > 0 ? values[0].map { delta(v, $0, better: row.better) } ?? "" : ""
                    out += "<td class=\"num\">\(HTML.escape(row.format(v)))\(change)</td>"
                }
                out += "</tr>"
            }
            html += "<div class=\"scroll\">" + out + "</tbody></table></div>"
        }
        let slos = runs.map { run in
            run.result.options.goodput.map { g in
                g.sorted { $0.key < $1.key }.map { "\($0.key) ≤ \(HTML.ms($0.value))" }.joined(separator: ", ")
            } ?? "none"
        }
        // Once when every run had the same, else per run.
        let slo = Set(slos).count == 1 ? slos[0] : zip(runs, slos).map { "\($0.label): \($1)" }.joined(separator: "; ")
        return html + "<p class=\"note\">Goodput SLOs: \(HTML.escape(slo)). Times run from each "
            + "call's intended start; inter-token latency counts every token.</p>"
    }

    private struct LLMRow {
        var label: String
        var value: (LLMStats) -> Double?
        var format: (Double) -> String
        /// +1 when higher is better, −1 when lower is better, 0 for no judgement.
        var better: Int
    }

    /// Time to first token (p99) and output tokens per second over time, one line per run.
    private static func llmCharts(_ runs: [Run]) -> [SVGChart] {
        func series(_ y: @escaping (LLMPoint, TimeSeriesPoint) -> Double) -> [SVGChart.Series] {
            runs.enumerated().compactMap { i, run in
                let points = run.result.timeSeries.filter { $0.seconds >= 0.5 && $0.llm != nil }
                guard points.count > 1 else { return nil }
                return SVGChart.Series(label: run.label, color: SVGChart.palette[i % SVGChart.palette.count],
                                       points: HTMLReport.steps(points) { y($0.llm!, $0) })
            }
        }
        let ttft = series { l, _ in l.ttftP99 }, tokens = series { l, p in Double(l.outputTokens) / p.seconds }
        guard !ttft.isEmpty else { return [] }
        return [
            SVGChart(title: "Time to first token p99 over time", yUnit: "ms", xAxis: .seconds, series: ttft),
            SVGChart(title: "Output tokens per second", yUnit: "/s", xAxis: .seconds, series: tokens),
        ]
    }
}
