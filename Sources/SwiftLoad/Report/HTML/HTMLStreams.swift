/// The HTML report's "LLM calls" and "Streams" sections: per name, token timing and counts of
/// OpenAI-compatible calls with TTFT, inter-token latency and output tokens over time; message
/// timing of other streams.
enum HTMLStreams {
    static func section(_ r: RunResult) -> String {
        var html = ""
        let llm = r.byName.compactMap { row in row.llm.map { (row.name, $0) } }
        if !llm.isEmpty {
            var rows: [[String]] = []
            for (name, l) in llm {
                func trend(_ label: String, _ t: TrendStats, tokens: Bool = false) {
                    guard t.count > 0 else { return }
                    let f = { (v: Double) in tokens ? String(format: "%.1f", v) : HTML.ms(v) }
                    rows.append([HTML.escape(name), label, f(t.med), f(t.p90), f(t.p99), f(t.max), HTML.count(t.count)])
                }
                trend("time to first token", l.ttft)
                if l.ttfot.count > 0 && (l.ttfot.med != l.ttft.med || l.ttfot.p99 != l.ttft.p99) { trend("time to first output token", l.ttfot) }
                trend("inter-token latency (per token)", l.itl)
                trend("time per output token", l.tpot)
                trend("end to end", l.e2e)
                trend("output tokens/s per call", l.outputTokensPerSecond, tokens: true)
            }
            let totals = llm.map { name, l in
                [HTML.escape(name), HTML.count(l.calls), HTML.count(l.inputTokens), HTML.count(l.outputTokens),
                 String(format: "%.1f", l.outputTokenRate), String(format: "%.2f", l.goodput),
                 l.calls > 0 ? HTML.percent(Double(l.goodCalls) / Double(l.calls)) : "–"]
            }
            let slo = r.options.goodput.map { g in
                g.sorted { $0.key < $1.key }.map { "\($0.key) ≤ \(HTML.ms($0.value))" }.joined(separator: ", ")
            } ?? "none set: every successful call counts"
            html += HTMLReport.section("LLM calls",
                "<div class=\"charts\">" + charts(r).map { $0.figure() }.joined() + "</div>"
                + HTML.table(["name", "calls", "input tokens", "output tokens", "output tokens/s", "goodput/s", "met the SLOs"],
                             totals, numeric: [1, 2, 3, 4, 5, 6])
                + HTML.table(["name", "metric", "p50", "p90", "p99", "max", "samples"], rows, numeric: [2, 3, 4, 5, 6])
                + "<p class=\"note\">Goodput SLOs: \(HTML.escape(slo)). Times run from each call's intended start, as request "
                + "durations do. Inter-token latency counts every token: a chunk carrying k tokens counts k gaps of 1/k of its "
                + "wait. Token counts are the server's own (usage) where it reported them, else one per chunk with text.</p>")
        }
        let streams = r.byName.filter { $0.llm == nil }.compactMap { row in row.stream.map { (row.name, $0) } }
        if !streams.isEmpty {
            let rows = streams.map { name, s in
                [HTML.escape(name), HTML.count(s.messages), HTML.ms(s.firstMessage.med), HTML.ms(s.firstMessage.p99),
                 HTML.ms(s.messageGap.med), HTML.ms(s.messageGap.p99), HTML.ms(s.messageGap.max)]
            }
            html += HTMLReport.section("Streams", HTML.table(
                ["name", "messages", "first p50", "first p99", "gap p50", "gap p99", "gap max"], rows, numeric: [1, 2, 3, 4, 5, 6]))
        }
        return html
    }

    private static func charts(_ r: RunResult) -> [SVGChart] {
        let points = r.timeSeries.filter { $0.seconds >= 0.5 && $0.llm != nil }
        guard points.count > 1 else { return [] }
        let palette = SVGChart.palette
        func steps(_ value: (LLMPoint, TimeSeriesPoint) -> Double) -> [(x: Double, y: Double)] {
            points.flatMap { p in [(x: max(0, p.t - p.seconds), y: value(p.llm!, p)), (x: p.t, y: value(p.llm!, p))] }
        }
        return [
            SVGChart(title: "Time to first token", yUnit: "ms", xAxis: .seconds, series: [
                SVGChart.Series(label: "p99", color: palette[1], points: steps { l, _ in l.ttftP99 }),
                SVGChart.Series(label: "p50", color: palette[0], points: steps { l, _ in l.ttftP50 }),
            ]),
            SVGChart(title: "Output tokens per second", yUnit: "/s", xAxis: .seconds, series: [
                SVGChart.Series(label: "output tokens/s", color: palette[2], points: steps { l, p in Double(l.outputTokens) / p.seconds }, filled: true),
                SVGChart.Series(label: "goodput (calls/s)", color: palette[3], points: steps { l, p in Double(l.goodCalls) / p.seconds }),
            ]),
        ]
    }
}
