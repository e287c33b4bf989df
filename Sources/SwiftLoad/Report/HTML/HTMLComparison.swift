import Foundation

/// Several runs side by side (`swiftload report A.json B.json … --html PATH`): one column per
/// run with the change against the first, overlaid latency spectra, throughput and latency over
/// time on shared axes, and LLM calls' token timing and goodput when the runs made any. The first
/// run is the baseline.
public enum HTMLComparison {
    public struct Run: Sendable {
        public var label: String
        public var result: RunResult
        public init(label: String, result: RunResult) {
            self.label = label
            self.result = result
        }
    }

    public static func render(_ runs: [Run]) -> String {
        let title = "Comparison: " + runs.map(\.label).joined(separator: " · ")
        var body = "<h1>\(HTML.escape(title))</h1>"
        body += "<p class=\"sub\">\(runs.count) runs; changes are against the first, \(HTML.escape(runs.first?.label ?? "")). "
            + "Latency: lower is better; throughput: higher is better.</p>"
        body += HTMLReport.section("Summary", "<div class=\"scroll\">" + summaryTable(runs) + "</div>")
        body += HTMLReport.section("Latency distribution", spectra(runs)
                                   + "<p class=\"note\">All requests of each run, by percentile; the x axis counts nines.</p>")
        body += HTMLReport.section("Over time", "<div class=\"charts\">" + overTime(runs).map { $0.figure() }.joined() + "</div>")
        if let llm = llmSection(runs) { body += HTMLReport.section("LLM calls", llm) }
        let names = Set(runs.flatMap { $0.result.byName.map(\.name) }).sorted()
        if names.count > 1 || runs.contains(where: { $0.result.byName.count > 1 }) {
            body += HTMLReport.section("By request name", byName(runs, names))
        }
        body += HTMLReport.section("Runs", runs.map { run in
            "<h2>\(HTML.escape(run.label))</h2><p class=\"muted\">\(HTML.escape(HTMLReport.verdict(run.result).headline))</p>"
                + scenarioList(run.result)
        }.joined())
        let version = runs.first?.result.tool.version ?? SwiftLoadVersion.current
        return HTMLReport.page(title: title, body: body, footer: "swiftload \(version) · comparison of \(runs.count) runs")
    }

    private struct Row {
        var label: String
        var value: (RunResult) -> Double?
        var format: (Double) -> String
        /// +1 when higher is better, −1 when lower is better, 0 for no judgement.
        var better: Int
    }

    private static func summaryTable(_ runs: [Run]) -> String {
        let rows: [Row] = [
            Row(label: "requests", value: { Double($0.requests.count) }, format: { HTML.count(Int($0)) }, better: 0),
            Row(label: "requests/s", value: { $0.requests.rps }, format: { NumberFormat.rate($0) }, better: 1),
            Row(label: "error rate", value: { $0.requests.errorRate }, format: { HTML.percent($0) }, better: -1),
            Row(label: "avg", value: { $0.requests.duration.avg }, format: HTML.ms, better: -1),
            Row(label: "median", value: { $0.requests.duration.med }, format: HTML.ms, better: -1),
            Row(label: "p90", value: { $0.requests.duration.p90 }, format: HTML.ms, better: -1),
            Row(label: "p95", value: { $0.requests.duration.p95 }, format: HTML.ms, better: -1),
            Row(label: "p99", value: { $0.requests.duration.p99 }, format: HTML.ms, better: -1),
            Row(label: "p99.9", value: { $0.requests.duration.p999 }, format: HTML.ms, better: -1),
            Row(label: "max", value: { $0.requests.duration.max }, format: HTML.ms, better: -1),
            Row(label: "iterations", value: { Double($0.scenarios.reduce(0) { $0 + $1.iterations }) }, format: { HTML.count(Int($0)) }, better: 0),
            Row(label: "dropped iterations", value: { Double($0.scenarios.reduce(0) { $0 + $1.droppedIterations }) },
                format: { HTML.count(Int($0)) }, better: -1),
            Row(label: "duration", value: { $0.run.durationSeconds }, format: HTMLReport.seconds, better: 0),
        ]
        var out = "<table><thead><tr><th></th>"
        for r in runs { out += "<th class=\"num\">\(HTML.escape(r.label))</th>" }
        out += "</tr></thead><tbody>"
        out += "<tr><td>verdict</td>" + runs.map { run -> String in
            let v = HTMLReport.verdict(run.result)
            return "<td class=\"num \(v.css == "ok" ? "pass" : "fail")\">\(HTML.escape(v.headline))</td>"
        }.joined() + "</tr>"
        out += "<tr><td>targets</td>" + runs.map { "<td class=\"num\">\(HTML.escape($0.result.run.targets.joined(separator: ", ")))</td>" }.joined() + "</tr>"
        for row in rows {
            out += "<tr><td>\(HTML.escape(row.label))</td>"
            let base = runs.first.flatMap { row.value($0.result) }
            for (i, run) in runs.enumerated() {
                guard let v = row.value(run.result) else { out += "<td class=\"num\">—</td>"; continue }
                var cell = HTML.escape(row.format(v))
                if i > 0, let base { cell += delta(v, base, better: row.better) }
                out += "<td class=\"num\">\(cell)</td>"
            }
            out += "</tr>"
        }
        return out + "</tbody></table>"
    }

    /// "+12.5%" against the baseline, coloured when the change is more than 5 % either way.
    static func delta(_ v: Double, _ base: Double, better: Int) -> String {
        guard base != 0 else { return v == 0 ? "" : " <span class=\"muted\">(new)</span>" }
        let change = (v - base) / abs(base)
        let text = String(format: "%+.1f%%", change * 100)
        var css = "muted"
        if better != 0 && abs(change) > 0.05 { css = (change > 0) == (better > 0) ? "pass" : "fail" }
        return " <span class=\"\(css)\">(\(text))</span>"
    }

    private static func spectra(_ runs: [Run]) -> String {
        let series = runs.enumerated().compactMap { i, run -> SVGChart.Series? in
            guard let s = try? run.result.spectrum() else { return nil }
            return SVGChart.Series(label: run.label, color: SVGChart.palette[i % SVGChart.palette.count],
                                   points: s.points.map { (x: $0.nines, y: $0.milliseconds) })
        }
        return SVGChart(title: "Latency by percentile", yUnit: "ms", xAxis: .nines, series: series, width: 1000, height: 320).figure()
    }

    private static func overTime(_ runs: [Run]) -> [SVGChart] {
        func series(_ y: @escaping (TimeSeriesPoint) -> Double, dashed: Bool = false, suffix: String = "") -> [SVGChart.Series] {
            runs.enumerated().map { i, run in
                SVGChart.Series(label: run.label + suffix, color: SVGChart.palette[i % SVGChart.palette.count],
                                points: HTMLReport.steps(run.result.timeSeries.filter { $0.seconds >= 0.5 }, y), dashed: dashed)
            }
        }
        return [
            SVGChart(title: "Requests per second", yUnit: "", xAxis: .seconds, series: series { $0.rps }),
            SVGChart(title: "p99 latency over time (p50 dashed)", yUnit: "ms", xAxis: .seconds,
                     series: series { $0.p99 } + series({ $0.p50 }, dashed: true, suffix: " p50")),
        ]
    }

    private static func byName(_ runs: [Run], _ names: [String]) -> String {
        func table(_ heading: String, _ value: (RequestGroupStats) -> Double, _ format: (Double) -> String, better: Int) -> String {
            var out = "<h2>\(HTML.escape(heading))</h2><table><thead><tr><th>name</th>"
            for r in runs { out += "<th class=\"num\">\(HTML.escape(r.label))</th>" }
            out += "</tr></thead><tbody>"
            for name in names {
                out += "<tr><td>\(HTML.escape(name))</td>"
                let base = runs.first?.result.byName.first { $0.name == name }.map(value)
                for (i, run) in runs.enumerated() {
                    guard let s = run.result.byName.first(where: { $0.name == name }) else { out += "<td class=\"num muted\">—</td>"; continue }
                    let v = value(s)
                    out += "<td class=\"num\">\(HTML.escape(format(v)))\(i > 0 && base != nil ? delta(v, base!, better: better) : "")</td>"
                }
                out += "</tr>"
            }
            return out + "</tbody></table>"
        }
        return "<div class=\"scroll\">"
            + table("p99", { $0.duration.p99 }, HTML.ms, better: -1)
            + table("median", { $0.duration.med }, HTML.ms, better: -1)
            + table("requests/s", { $0.rps }, NumberFormat.rate, better: 1)
            + table("error rate", { $0.errorRate }, HTML.percent, better: -1)
            + "</div>"
    }

    private static func scenarioList(_ r: RunResult) -> String {
        var items = [("script", r.run.script ?? "—"), ("started", r.run.startTime)]
        for s in r.options.scenarios { items.append(("scenario \(s.name)", "\(s.executor): \(s.description)")) }
        items.append(("machine", "\(r.run.machine.hostname) · \(r.run.machine.cpus) CPUs · swiftload \(r.tool.version)"))
        return "<dl class=\"facts\">" + items.map { "<dt>\(HTML.escape($0.0))</dt><dd>\(HTML.escape($0.1))</dd>" }.joined() + "</dl>"
    }
}
