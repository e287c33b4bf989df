/// The end-of-test summary printed to standard output: per request name and overall, count,
/// RPS, error rate and the latency distribution; then checks, iterations, errors and thresholds.
public enum ConsoleSummary {
    public static func render(_ r: RunResult) -> String {
        var out: [String] = []
        let script = r.run.script.map { "  \($0)" } ?? ""
        out.append("swiftload \(r.tool.version)\(script)")
        for s in r.options.scenarios {
            out.append("  scenario \(s.name): \(s.executor), \(s.description)")
        }
        var runLine = String(format: "  ran %.1fs on %d worker%@", r.run.durationSeconds, r.run.workers,
                             r.run.workers == 1 ? "" : "s")
        if let cpu = r.run.cpuSeconds, r.run.durationSeconds > 0 {
            runLine += String(format: ", using %.2f CPU cores", cpu / r.run.durationSeconds)
        }
        if r.run.interrupted {
            let reason = r.run.interruptReason ?? "a signal"
            runLine += r.run.stoppedBySignal ? " (INTERRUPTED by \(reason): partial results)" : " (STOPPED: \(reason))"
        }
        out.append(runLine)
        if let segment = r.run.segment {
            out.append("  segment \(segment) of the test: merge it with the other segments' results (swiftload merge)")
        }
        if let merged = r.run.mergedSegments {
            out.append("  merged from \(merged.count) segment\(merged.count == 1 ? "" : "s") (\(merged.map(\.description).joined(separator: ", ")))"
                       + (r.run.partial == true ? ": PARTIAL, not the whole test" : ""))
        }
        for w in r.warnings ?? [] { out.append("  warning: \(w)") }
        for reason in r.run.taintReasons ?? [] {
            out.append("  TAINTED: the load generator limited this measurement: \(reason)")
        }
        out.append("")

        let rows = r.byName + (r.byName.count > 1 || r.byName.isEmpty ? [r.requests] : [])
        out += latencyTable(title: "latency", rows: rows, stats: \.duration)
        if r.options.scenarios.contains(where: { $0.executor.contains("arrival") }) {
            out.append("")
            out.append("  (open model: each iteration's first request also carries how late the iteration started, its start lag; service time below is from the real send)")
            out += latencyTable(title: "service time", rows: rows, stats: \.serviceTime)
        }

        if r.scenarios.count > 1 {
            for sc in r.scenarios where sc.requests.count > 0 {
                out.append("")
                out += latencyTable(title: "scenario \(sc.name)", rows: sc.byName + (sc.byName.count > 1 ? [sc.requests] : []),
                                    stats: \.duration)
            }
        }

        if !r.groups.isEmpty {
            out.append("")
            // Rows are 4 spaces, the path in 32 columns, then right-aligned cells of 9.
            out.append("  " + "groups".padded(34) + "p50".leftPadded(9) + "p95".leftPadded(9) + "p99".leftPadded(9))
            for g in r.groups {
                let cells = [g.duration.med, g.duration.p95, g.duration.p99].map { DurationFormat.milliseconds($0).leftPadded(9) }
                out.append("    " + g.path.padded(32) + cells.joined())
            }
        }

        out += streamSection(r.byName)

        if !r.checks.isEmpty {
            out.append("")
            out.append("  checks")
            for c in r.checks {
                let mark = c.fails == 0 ? "✓" : "✗"
                out.append("    \(mark) \(c.name)  \(NumberFormat.grouped(c.passes)) passed, \(NumberFormat.grouped(c.fails)) failed (\(NumberFormat.percent(c.rate)))")
            }
        }

        out.append("")
        for s in r.scenarios {
            var line = "  iterations \(s.name): \(NumberFormat.grouped(s.iterations)) (\(NumberFormat.rate(s.iterationRate))/s)"
            line += ", failed \(NumberFormat.grouped(s.failedIterations))"
            line += ", interrupted \(NumberFormat.grouped(s.interruptedIterations))"
            line += ", dropped \(NumberFormat.grouped(s.droppedIterations))"
            line += ", VUs \(s.vusMax)"
            if s.iterationDuration.count > 0 {
                line += ", duration p50 \(DurationFormat.milliseconds(s.iterationDuration.med)) p99 \(DurationFormat.milliseconds(s.iterationDuration.p99))"
            }
            if let lag = s.iterationStartLag, lag.count > 0 {
                line += ", start lag p50 \(DurationFormat.milliseconds(lag.med)) p99 \(DurationFormat.milliseconds(lag.p99)) max \(DurationFormat.milliseconds(lag.max))"
            }
            out.append(line)
        }
        if r.interruptedRequests > 0 {
            out.append("  interrupted requests: \(NumberFormat.grouped(r.interruptedRequests)) (cancelled by the stop, not counted as errors)")
        }
        if r.http2.goaways > 0 || r.http2.refusedStreamsRetried > 0 {
            out.append("  HTTP/2: \(NumberFormat.grouped(r.http2.goaways)) GOAWAY received, \(NumberFormat.grouped(r.http2.refusedStreamsRetried)) refused streams sent again")
        }
        let grpc = r.requests.grpcStatuses
        if !grpc.isEmpty {
            let parts = grpc.sorted { $0.value > $1.value }.map { "\($0.key) \(NumberFormat.grouped($0.value))" }
            out.append("  gRPC status: " + parts.joined(separator: ", "))
        }
        let secs = max(r.run.durationSeconds, 0.001)
        out.append("  data received \(NumberFormat.bytes(r.requests.bytesReceived)) (\(NumberFormat.bytes(Int(Double(r.requests.bytesReceived) / secs)))/s), sent \(NumberFormat.bytes(r.requests.bytesSent))")

        if let server = r.serverMetrics { out += serverSection(server) }

        if !r.errors.isEmpty {
            out.append("")
            out.append("  errors")
            for e in r.errors.prefix(20) {
                let label = e.kind == "script" ? "script error" : ErrorClass(rawValue: e.errorClass).label
                out.append("    \(NumberFormat.grouped(e.count).leftPadded(9))  \(e.name): \(label): \(sanitize(e.sample))")
            }
            if r.errors.count > 20 { out.append("    … \(r.errors.count - 20) more in the JSON result") }
        }

        if !r.thresholds.isEmpty {
            out.append("")
            out.append("  thresholds")
            for t in r.thresholds {
                let mark = t.passed ? "✓" : "✗"
                let actual: String
                if let v = t.actual {
                    switch t.unit {
                    case "ms": actual = DurationFormat.milliseconds(v)
                    case "rate": actual = NumberFormat.percent(v)
                    case "/s": actual = String(format: "%.1f/s", v)
                    case "tok/s": actual = String(format: "%.1f tok/s", v)
                    default: actual = NumberFormat.value(v)
                    }
                } else {
                    actual = t.note ?? "no value"
                }
                out.append("    \(mark) \(t.metric): \(t.condition)  (actual \(actual))")
            }
            let failed = r.thresholds.filter { !$0.passed }.count
            out.append(failed == 0 ? "  all thresholds passed" : "  \(failed) of \(r.thresholds.count) thresholds FAILED")
        }
        return out.joined(separator: "\n") + "\n"
    }

    /// Scraped server series the summary lists at most; the JSON and HTML hold them all.
    static let maxServerRows = 12

    /// The servers' own view: the series a reader looks for first (the application's, before
    /// the runtime's `process_`/`python_`/`go_` ones), with min, average and max over the run,
    /// and each counter's growth over it.
    private static func serverSection(_ m: ServerMetricsResult) -> [String] {
        var out = ["", "  server metrics (scraped from \(m.targets.map(\.url).joined(separator: ", ")))"]
        let shown = ServerSeriesRanking.ranked(m.series).prefix(maxServerRows)
        if shown.isEmpty { out.append("    no series (\(m.targets.map { "\($0.failures) of \($0.scrapes) scrapes failed" }.joined(separator: "; ")))") }
        let width = min(64, shown.map(\.name.count).max() ?? 0)
        if !shown.isEmpty {
            out.append("    " + "series".padded(width) + "min".leftPadded(11) + "avg".leftPadded(11) + "max".leftPadded(11) + "over the run".leftPadded(15))
        }
        for s in shown {
            let cells = [s.min, s.avg, s.max].map { ($0.map(NumberFormat.value) ?? "-").leftPadded(11) }.joined()
            let total = s.increase.map { ("+" + NumberFormat.value($0)).leftPadded(15) } ?? ""
            out.append("    " + truncate(sanitize(s.name), width).padded(width) + cells + total)
        }
        let rest = m.series.count - shown.count
        if rest > 0 { out.append("    … \(rest) more series in the JSON and HTML reports") }
        return out
    }

    /// Request names a latency table lists at most (the busiest).
    static let maxRows = 25

    private static func latencyTable(title: String, rows: [RequestGroupStats],
                                     stats: KeyPath<RequestGroupStats, TrendStats>) -> [String] {
        let nameWidth = min(40, max(title.count, rows.map { $0.name.count }.max() ?? 0))
        let headers = ["count", "rps", "errors", "avg", "min", "med", "p90", "p95", "p99", "p99.9", "max"]
        var lines = ["  " + title.padded(nameWidth) + headers.map { $0.leftPadded(9) }.joined()]
        // A run with many names shows its busiest ones and says how many more the reports hold.
        var shown = rows
        var hidden = 0
        if rows.count > maxRows + 1 {
            let all = rows.last.map { $0.name == "all" } ?? false ? rows.last : nil
            let named = all == nil ? rows : Array(rows.dropLast())
            shown = Array(named.sorted { ($0.count, $1.name) > ($1.count, $0.name) }.prefix(maxRows))
            hidden = named.count - shown.count
            if let all { shown.append(all) }
        }
        for row in shown {
            let t = row[keyPath: stats]
            let times = [t.avg, t.min, t.med, t.p90, t.p95, t.p99, t.p999, t.max]
                .map { t.count > 0 ? DurationFormat.milliseconds($0) : "-" }
            let cells = [NumberFormat.grouped(row.count), NumberFormat.rate(row.rps), NumberFormat.percent(row.errorRate)] + times
            lines.append("  " + truncate(row.name, nameWidth).padded(nameWidth) + cells.map { $0.leftPadded(9) }.joined())
        }
        if hidden > 0 { lines.append("  … and \(NumberFormat.grouped(hidden)) more names, less busy (every name is in the JSON and HTML reports)") }
        return lines
    }

    private static func truncate(_ s: String, _ width: Int) -> String {
        s.count <= width ? s : String(s.prefix(width - 1)) + "…"
    }

    /// One line, printable: server strings must not move the cursor or ring the bell.
    static func sanitize(_ s: String) -> String {
        String(s.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : Character($0) }.prefix(160))
    }
}

extension String {
    func padded(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
    func leftPadded(_ width: Int) -> String { count >= width ? " " + self : String(repeating: " ", count: width - count) + self }
}
