import Foundation

/// The HTML report of one run (`--out html=PATH`, `swiftload report RESULT.json --html PATH`):
/// one self-contained file, no script, no network, charts as inline SVG.
public enum HTMLReport {
    public static func render(_ r: RunResult) -> String {
        var body = ""
        body += "<h1>\(HTML.escape(title(r)))</h1>"
        body += "<p class=\"sub\">\(HTML.escape(subtitle(r)))</p>"
        body += banner(r)
        body += tiles(r)
        body += section("Requests", requestTable(r))
        body += section("Over time", "<div class=\"charts\">" + timeCharts(r).map { $0.figure() }.joined() + "</div>")
        body += HTMLStreams.section(r)
        if let server = HTMLServerMetrics.section(r) { body += server }
        body += section("Latency distribution", spectrumChart(r)
                        + "<p class=\"note\">Latency by percentile (HdrHistogram's plot): the x axis counts nines, so the tail gets as much room as the median. "
                        + (r.options.scenarios.contains { $0.executor.contains("arrival") }
                           ? "Open model: measured from each iteration's scheduled start." : "") + "</p>")
        if !r.thresholds.isEmpty { body += section("Thresholds", thresholdTable(r)) }
        if !r.checks.isEmpty { body += section("Checks", checkTable(r)) }
        if !r.errors.isEmpty { body += section("Errors", errorTable(r)) }
        body += section("Scenarios", scenarioTable(r))
        if !r.groups.isEmpty { body += section("Groups", groupTable(r)) }
        body += section("Run", facts(r))
        return page(title: title(r), body: body, footer: "swiftload \(r.tool.version) · result schema \(r.schemaVersion)")
    }

    // MARK: page

    static func page(title: String, body: String, footer: String) -> String {
        """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
        <meta name="generator" content="swiftload">
        <title>\(HTML.escape(title))</title>
        <style>\(ReportStyle.css)</style>
        </head>
        <body><main>
        \(body)
        <footer>\(HTML.escape(footer)). This file is self-contained: it loads nothing.</footer>
        </main></body>
        </html>

        """
    }

    static func section(_ heading: String, _ content: String) -> String {
        "<section><h2>\(HTML.escape(heading))</h2>\(content)</section>"
    }

    static func title(_ r: RunResult) -> String {
        let name = r.run.script.map { URL(fileURLWithPath: $0).lastPathComponent } ?? "load test"
        return "\(name) — swiftload report"
    }

    private static func subtitle(_ r: RunResult) -> String {
        var parts = ["started \(r.run.startTime)", "ran \(seconds(r.run.durationSeconds))"]
        if !r.run.targets.isEmpty { parts.append("against \(r.run.targets.joined(separator: ", "))") }
        return parts.joined(separator: " · ")
    }

    // MARK: verdict

    static func verdict(_ r: RunResult) -> (css: String, headline: String, detail: String) {
        let failed = r.thresholds.filter { !$0.passed }.count
        let thresholdText = r.thresholds.isEmpty ? "no thresholds"
            : failed == 0 ? "all \(r.thresholds.count) thresholds passed"
            : "\(failed) of \(r.thresholds.count) thresholds failed"
        if let reason = r.run.interruptReason {
            if r.run.stoppedBySignal {
                return ("warn", "Interrupted by \(reason): partial results", "\(thresholdText) · exit code \(r.exitCode)")
            }
            return ("bad", "Stopped: \(reason)", "\(thresholdText) · exit code \(r.exitCode)")
        }
        if r.run.tainted == true {
            return ("warn", "Tainted: the load generator limited this measurement",
                    "\(r.run.taintReasons?.first ?? "") · \(thresholdText) · exit code \(r.exitCode)")
        }
        if r.run.partial == true {
            return ("warn", "Partial: \(r.run.partialReasons?.first ?? "segments missing")", "\(thresholdText) · exit code \(r.exitCode)")
        }
        if failed > 0 { return ("bad", "Failed: \(thresholdText)", "exit code \(r.exitCode)") }
        return ("ok", r.thresholds.isEmpty ? "Completed" : "Passed", "\(thresholdText) · exit code \(r.exitCode)")
    }

    private static func banner(_ r: RunResult) -> String {
        let v = verdict(r)
        return "<div class=\"banner \(v.css)\" id=\"verdict\">\(HTML.escape(v.headline))<small>\(HTML.escape(v.detail))</small></div>"
    }

    private static func tiles(_ r: RunResult) -> String {
        let q = r.requests
        let iterations = r.scenarios.reduce(0) { $0 + $1.iterations }
        let dropped = r.scenarios.reduce(0) { $0 + $1.droppedIterations }
        var items: [(key: String, value: String, bad: Bool)] = [
            ("requests", HTML.count(q.count), false),
            ("requests/s", NumberFormat.rate(q.rps), false),
            ("errors", HTML.percent(q.errorRate), q.failures > 0),
            ("median", HTML.ms(q.duration.med), false),
            ("p95", HTML.ms(q.duration.p95), false),
            ("p99", HTML.ms(q.duration.p99), false),
            ("p99.9", HTML.ms(q.duration.p999), false),
            ("max", HTML.ms(q.duration.max), false),
            ("iterations", HTML.count(iterations), false),
        ]
        if dropped > 0 { items.append(("dropped", HTML.count(dropped), true)) }
        return "<div class=\"tiles\">" + items.map {
            "<div class=\"tile\"><div class=\"k\">\(HTML.escape($0.key))</div><div class=\"v\(($0.bad ? " fail" : ""))\">\(HTML.escape($0.value))</div></div>"
        }.joined() + "</div>"
    }

    // MARK: tables

    static let latencyHeader = ["name", "count", "req/s", "errors", "avg", "med", "p90", "p95", "p99", "p99.9", "max", "statuses"]

    static func latencyRow(_ s: RequestGroupStats, label: String? = nil) -> [String] {
        let d = s.duration
        return [HTML.escape(label ?? s.name), HTML.count(s.count), NumberFormat.rate(s.rps),
                s.failures > 0 ? "<span class=\"fail\">\(HTML.percent(s.errorRate))</span>" : HTML.percent(s.errorRate),
                HTML.ms(d.avg), HTML.ms(d.med), HTML.ms(d.p90), HTML.ms(d.p95), HTML.ms(d.p99), HTML.ms(d.p999), HTML.ms(d.max),
                HTML.escape(statuses(s))]
    }

    private static func statuses(_ s: RequestGroupStats) -> String {
        if !s.grpcStatuses.isEmpty {
            return s.grpcStatuses.sorted { $0.value > $1.value }.map { "\($0.key) \(NumberFormat.grouped($0.value))" }.joined(separator: ", ")
        }
        return s.statuses.sorted { $0.value > $1.value }.map { "\($0.key == "0" ? "no response" : $0.key) \(NumberFormat.grouped($0.value))" }
            .joined(separator: ", ")
    }

    private static func requestTable(_ r: RunResult) -> String {
        var rows = r.byName.map { latencyRow($0) }
        if r.byName.count != 1 { rows.append(latencyRow(r.requests, label: "all requests")) }
        var html = "<div class=\"scroll\">" + HTML.table(latencyHeader, rows, numeric: Set(1...10)) + "</div>"
        if r.byName.count != 1 { html = html.replacingOccurrences(of: "<tr><td>all requests", with: "<tr class=\"total\"><td>all requests") }
        if r.interruptedRequests > 0 {
            html += "<p class=\"note\">\(HTML.count(r.interruptedRequests)) requests were cut short by the stop; they are not counted above.</p>"
        }
        if r.http2.goaways > 0 || r.http2.refusedStreamsRetried > 0 {
            html += "<p class=\"note\">HTTP/2: \(HTML.count(r.http2.goaways)) GOAWAY frames received, \(HTML.count(r.http2.refusedStreamsRetried)) refused streams sent again.</p>"
        }
        return html
    }

    private static func thresholdTable(_ r: RunResult) -> String {
        let rows = r.thresholds.map { t -> [String] in
            let actual = t.actual.map { value(t.unit, $0) } ?? (t.note ?? "—")
            return [HTML.escape(t.metric), "<code>\(HTML.escape(t.condition))</code>", HTML.escape(actual),
                    t.passed ? "<span class=\"pass\">✓ passed</span>" : "<span class=\"fail\">✗ failed</span>"]
        }
        return HTML.table(["metric", "condition", "actual", ""], rows, numeric: [2])
    }

    static func value(_ unit: String, _ v: Double) -> String {
        switch unit {
        case "ms": return HTML.ms(v)
        case "rate": return HTML.percent(v)
        case "/s": return NumberFormat.rate(v) + "/s"
        case "value": return NumberFormat.value(v)
        case "tok/s": return String(format: "%.1f tok/s", v)
        default: return v == v.rounded() && abs(v) < 1e15 ? NumberFormat.grouped(Int(v)) : String(format: "%.2f", v)
        }
    }

    private static func checkTable(_ r: RunResult) -> String {
        let rows = r.checks.map { c in
            [(c.fails == 0 ? "<span class=\"pass\">✓</span> " : "<span class=\"fail\">✗</span> ") + HTML.escape(c.name),
             HTML.count(c.passes), HTML.count(c.fails), HTML.percent(c.rate)]
        }
        return HTML.table(["check", "passed", "failed", "rate"], rows, numeric: [1, 2, 3])
    }

    private static func errorTable(_ r: RunResult) -> String {
        let rows = r.errors.sorted { $0.count > $1.count }.map {
            [HTML.escape($0.kind), HTML.escape($0.name), HTML.escape($0.errorClass), "<span class=\"mono\">\(HTML.escape($0.sample))</span>", HTML.count($0.count)]
        }
        return "<div class=\"scroll\">" + HTML.table(["kind", "name", "class", "sample message", "count"], rows, numeric: [4]) + "</div>"
    }

    private static func scenarioTable(_ r: RunResult) -> String {
        let echo = Dictionary(r.options.scenarios.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let rows = r.scenarios.map { s -> [String] in
            var plan = echo[s.name].map { "\($0.executor), \($0.description)" } ?? s.executor
            if let start = echo[s.name]?.startTimeSeconds, start > 0 { plan += ", starts at \(seconds(start))" }
            if !s.tags.isEmpty { plan += " · tags " + s.tags.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ") }
            return [HTML.escape(s.name), HTML.escape(plan), HTML.count(s.iterations), HTML.count(s.failedIterations),
                    HTML.count(s.interruptedIterations), HTML.count(s.droppedIterations), NumberFormat.rate(s.iterationRate),
                    HTML.ms(s.iterationDuration.med), HTML.ms(s.iterationDuration.p99),
                    s.iterationStartLag.map { HTML.ms($0.p99) } ?? "–", s.iterationStartLag.map { HTML.ms($0.max) } ?? "–",
                    HTML.count(s.vusMax)]
        }
        return "<div class=\"scroll\">" + HTML.table(["scenario", "plan", "iterations", "failed", "interrupted", "dropped", "iter/s",
                                                     "iter med", "iter p99", "start lag p99", "start lag max", "VUs max"],
                                                    rows, numeric: Set(2...11)) + "</div>"
    }

    private static func groupTable(_ r: RunResult) -> String {
        let rows = r.groups.map { g in
            [HTML.escape(g.path), HTML.count(g.duration.count), HTML.ms(g.duration.med), HTML.ms(g.duration.p95),
             HTML.ms(g.duration.p99), HTML.ms(g.duration.max)]
        }
        return HTML.table(["group", "count", "med", "p95", "p99", "max"], rows, numeric: Set(1...5))
    }

    private static func facts(_ r: RunResult) -> String {
        var items: [(String, String)] = []
        items.append(("script", r.run.script ?? "—"))
        items.append(("targets", r.run.targets.isEmpty ? "—" : r.run.targets.joined(separator: ", ")))
        items.append(("started", r.run.startTime))
        items.append(("duration", "\(seconds(r.run.durationSeconds)) (planned \(seconds(r.run.plannedDurationSeconds)))"))
        for s in r.options.scenarios {
            items.append(("scenario \(s.name)", "\(s.executor): \(s.description)"))
        }
        items.append(("request timeout", seconds(r.options.requestTimeoutSeconds)))
        items.append(("redirects", "up to \(r.options.maxRedirects)"))
        if r.options.insecureSkipTLSVerify { items.append(("TLS", "certificates not verified")) }
        if !r.options.envKeys.isEmpty { items.append(("--env", r.options.envKeys.joined(separator: ", ") + " (values not recorded)")) }
        items.append(("tool", "swiftload \(r.tool.version), libcurl \(r.tool.libcurl)"))
        let m = r.run.machine
        items.append(("machine", "\(m.hostname) · \(m.os) · \(m.arch) · \(m.cpus) CPUs · \(r.run.workers) worker\(r.run.workers == 1 ? "" : "s")"))
        if let segment = r.run.segment { items.append(("segment", "\(segment) of the test (one part of a distributed run)")) }
        if let merged = r.run.mergedSegments {
            items.append(("merged", "\(merged.count) segments: \(merged.map(\.description).joined(separator: ", "))"
                          + (r.run.partial == true ? " (partial)" : "")))
        }
        if let cpu = r.run.cpuSeconds, r.run.durationSeconds > 0 {
            // So a reader can see whether the load generator, not the target, was the limit.
            items.append(("load generator CPU", String(format: "%.1f s, %.2f of %d cores", cpu, cpu / r.run.durationSeconds, m.cpus)))
        }
        return "<dl class=\"facts\">" + items.map { "<dt>\(HTML.escape($0.0))</dt><dd>\(HTML.escape($0.1))</dd>" }.joined() + "</dl>"
    }

    /// "850ms", "3.2s", "45s", "2m30s": a duration as a reader says it.
    static func seconds(_ s: Double) -> String {
        if s < 1 { return String(format: "%.0fms", s * 1000) }
        if s < 10 { return String(format: "%.1fs", s).replacingOccurrences(of: ".0s", with: "s") }
        return DurationFormat.string(Duration.seconds(Int64(s.rounded())))
    }

    // MARK: charts

    static func timeCharts(_ r: RunResult) -> [SVGChart] {
        // A last interval of a fraction of a second holds the wind-down: its rates would read as
        // a collapse. It stays in the JSON; charts show whole-ish seconds.
        let p = r.timeSeries.filter { $0.seconds >= 0.5 }
        let palette = SVGChart.palette
        func line(_ label: String, _ color: String, dashed: Bool = false, filled: Bool = false, _ y: (TimeSeriesPoint) -> Double) -> SVGChart.Series {
            SVGChart.Series(label: label, color: color, points: steps(p, y), dashed: dashed, filled: filled)
        }
        var vus = [line("VUs in an iteration", palette[0], filled: true) { Double($0.activeVUs) },
                   line("VUs allocated", palette[7], dashed: true) { Double($0.vus) }]
        let scenarioNames = Set(p.flatMap { $0.byScenario.keys }).sorted()
        if scenarioNames.count > 1 {
            for (i, name) in scenarioNames.enumerated() {
                vus.append(line("\(name)", palette[(i + 2) % palette.count]) { Double($0.byScenario[name]?.vus ?? 0) })
            }
        }
        var charts = [
            SVGChart(title: "Requests per second", yUnit: "", xAxis: .seconds, series: [
                line("requests/s", palette[0], filled: true) { $0.rps },
                line("failed/s", palette[1]) { Double($0.failures) / $0.seconds },
            ]),
            SVGChart(title: "Latency over time", yUnit: "ms", xAxis: .seconds, series: [
                line("p99", palette[1]) { $0.p99 },
                line("p95", palette[4]) { $0.p95 },
                line("p50", palette[0]) { $0.p50 },
            ]),
            SVGChart(title: "Virtual users", yUnit: "", xAxis: .seconds, series: vus),
            SVGChart(title: "Errors per second", yUnit: "", xAxis: .seconds, series: [
                line("failed requests/s", palette[1], filled: true) { Double($0.failures) / $0.seconds },
            ]),
        ]
        if r.scenarios.contains(where: { $0.executor.contains("arrival") }) || p.contains(where: { $0.droppedIterations > 0 }) {
            charts.append(SVGChart(title: "Dropped iterations per second", yUnit: "", xAxis: .seconds, series: [
                line("dropped/s", palette[4], filled: true) { Double($0.droppedIterations) / $0.seconds },
            ]))
        }
        return charts
    }

    /// Each interval drawn flat across the time it covers: a value is a rate or a percentile of
    /// that whole second, not of its last instant.
    static func steps(_ points: [TimeSeriesPoint], _ y: (TimeSeriesPoint) -> Double) -> [(x: Double, y: Double)] {
        points.flatMap { p -> [(x: Double, y: Double)] in
            let v = y(p)
            return [(x: max(0, p.t - p.seconds), y: v), (x: p.t, y: v)]
        }
    }

    private static func spectrumChart(_ r: RunResult) -> String {
        var series: [SVGChart.Series] = []
        // All requests, then the busiest names (a few lines stay readable).
        if let all = try? r.spectrum() {
            series.append(SVGChart.Series(label: "all requests", color: SVGChart.palette[0],
                                          points: all.points.map { (x: $0.nines, y: $0.milliseconds) }))
        }
        if r.byName.count > 1 {
            for (i, s) in r.byName.sorted(by: { $0.count > $1.count }).prefix(6).enumerated() {
                if let sp = try? r.spectrum(name: s.name) {
                    series.append(SVGChart.Series(label: s.name, color: SVGChart.palette[(i + 1) % SVGChart.palette.count],
                                                  points: sp.points.map { (x: $0.nines, y: $0.milliseconds) }, dashed: true))
                }
            }
        }
        return SVGChart(title: "Latency by percentile", yUnit: "ms", xAxis: .nines, series: series, width: 1000, height: 320).figure()
    }
}
