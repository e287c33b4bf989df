import Foundation

/// `--out csv=PATH`: the files Locust users know. PATH gets per-name statistics in Locust's
/// `_stats.csv` columns (times in milliseconds), `PATH_history.csv` the per-second time series
/// and `PATH_failures.csv` the errors. All three are written atomically.
public enum CSVReport {
    public static let statsHeader = ["Type", "Name", "Request Count", "Failure Count", "Median Response Time",
                                     "Average Response Time", "Min Response Time", "Max Response Time", "Average Content Size",
                                     "Requests/s", "Failures/s", "50%", "66%", "75%", "80%", "90%", "95%", "98%", "99%",
                                     "99.9%", "99.99%", "100%"]
    static let percentiles: [Double] = [50, 66, 75, 80, 90, 95, 98, 99, 99.9, 99.99, 100]

    public static let historyHeader = ["Timestamp", "Elapsed Seconds", "User Count", "Active VUs", "Requests/s", "Failures/s",
                                       "50%", "90%", "95%", "99%", "100%", "Requests", "Failures", "Iterations",
                                       "Dropped Iterations", "Bytes Received", "Bytes Sent"]

    public static let failuresHeader = ["Kind", "Name", "Error Class", "Error", "Occurrences"]

    /// The three file paths for `path`.
    public static func paths(_ path: String) -> (stats: String, history: String, failures: String) {
        let stem = path.hasSuffix(".csv") ? String(path.dropLast(4)) : path
        return (path, stem + "_history.csv", stem + "_failures.csv")
    }

    public static func write(_ r: RunResult, to path: String) throws {
        let p = paths(path)
        try AtomicFile.write(Data(stats(r).utf8), to: p.stats)
        try AtomicFile.write(Data(history(r).utf8), to: p.history)
        try AtomicFile.write(Data(failures(r).utf8), to: p.failures)
    }

    public static func stats(_ r: RunResult) -> String {
        var lines = [row(statsHeader)]
        for s in r.byName { lines.append(row(statsRow(r, s, type: s.grpcStatuses.isEmpty ? "HTTP" : "gRPC", name: s.name, histogramName: s.name))) }
        lines.append(row(statsRow(r, r.requests, type: "", name: "Aggregated", histogramName: nil)))
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    private static func statsRow(_ r: RunResult, _ s: RequestGroupStats, type: String, name: String, histogramName: String?) -> [String] {
        let seconds = max(r.run.durationSeconds, 0.001)
        let values: [String]
        if let h = try? r.histogram(name: histogramName), h.totalCount > 0 {
            values = HistogramSummary(h, percentiles: percentiles).values.map { number(Double($0) / 1000) }
        } else {
            values = Array(repeating: "N/A", count: percentiles.count)
        }
        return [type, name, String(s.count), String(s.failures), number(s.duration.med), number(s.duration.avg),
                number(s.duration.min), number(s.duration.max), number(s.count > 0 ? Double(s.bytesReceived) / Double(s.count) : 0),
                number(s.rps), number(Double(s.failures) / seconds)] + values
    }

    public static func history(_ r: RunResult) -> String {
        let start = RFC3339.date(r.run.startTime)?.timeIntervalSince1970 ?? 0
        var lines = [row(historyHeader)]
        for p in r.timeSeries {
            lines.append(row([String(Int((start + p.t).rounded())), number(p.t), String(p.vus), String(p.activeVUs), number(p.rps),
                              number(Double(p.failures) / p.seconds), number(p.p50), number(p.p90), number(p.p95), number(p.p99),
                              number(p.max), String(p.requests), String(p.failures), String(p.iterations), String(p.droppedIterations),
                              String(p.bytesReceived), String(p.bytesSent)]))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    public static func failures(_ r: RunResult) -> String {
        var lines = [row(failuresHeader)]
        for e in r.errors.sorted(by: { $0.count > $1.count }) {
            lines.append(row([e.kind, e.name, e.errorClass, e.sample, String(e.count)]))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// A CSV line, RFC 4180: fields with a comma, quote or line break are quoted.
    static func row(_ fields: [String]) -> String {
        fields.map { f in
            f.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                ? "\"" + f.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : f
        }.joined(separator: ",")
    }

    /// Up to three decimals, no trailing zeros, no exponent.
    static func number(_ v: Double) -> String {
        guard v.isFinite else { return "0" }
        var s = String(format: "%.3f", v)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s == "-0" ? "0" : s
    }
}
