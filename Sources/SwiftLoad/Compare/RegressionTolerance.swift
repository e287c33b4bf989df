/// How much worse a compared statistic may get before `swiftload compare` calls it a regression.
///
/// Written `p(99)=10%`, `med=5%`, `avg=5%` (relative: the current value may be at most that much
/// higher) or `error_rate=1%` (absolute: the error rate may rise by at most one percentage point).
/// A latency statistic is of `http_req_duration` unless a metric prefixes it: `ttft:p(99)=10%`,
/// `tpot:med=5%`, `llm_itl:p(99)=10%`, `stream_message_gap:p(99)=10%` (LLM metrics by short name
/// or full).
public struct RegressionTolerance: Sendable, Equatable, CustomStringConvertible {
    public enum Statistic: Sendable, Equatable, CustomStringConvertible {
        case percentile(Double)
        case avg
        case errorRate

        public var description: String {
            switch self {
            case .percentile(50): return "med"
            case .percentile(let p): return "p(\(Threshold.Aggregation.format(p)))"
            case .avg: return "avg"
            case .errorRate: return "error_rate"
            }
        }
    }

    public var statistic: Statistic
    /// The trend compared (`http_req_duration` unless given).
    public var metric: String = "http_req_duration"
    /// A fraction: 0.10 for 10 % (relative), or 0.01 for one percentage point (error rate).
    public var limit: Double

    public init(_ statistic: Statistic, _ limit: Double) {
        self.statistic = statistic
        self.limit = limit
    }

    /// What `compare` checks when no `--max-regression` is given.
    public static let defaults = [RegressionTolerance(.percentile(99), 0.10), RegressionTolerance(.errorRate, 0.01)]

    public var description: String {
        (metric == "http_req_duration" ? "" : metric + ":") + plainDescription
    }

    private var plainDescription: String {
        statistic == .errorRate ? "\(statistic)=+\(Self.percent(limit)) points" : "\(statistic)=+\(Self.percent(limit))"
    }

    static func percent(_ f: Double) -> String {
        let v = f * 100
        return (v == v.rounded() ? String(Int(v)) : String(format: "%.4g", v)) + "%"
    }

    /// Parses `p(99)=10%`, `med=5%`, `avg=0.05`, `error_rate=1%`.
    public static func parse(_ text: String) throws(RegressionToleranceError) -> RegressionTolerance {
        let parts = text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map {
            String($0).trimmingCharacters(in: .whitespaces)
        }
        guard parts.count == 2 else { throw RegressionToleranceError(text, "expected STAT=LIMIT, e.g. p(99)=10%") }
        var metric = "http_req_duration"
        var stat = parts[0]
        if let colon = stat.firstIndex(of: ":") {
            let name = String(stat[..<colon]).trimmingCharacters(in: .whitespaces)
            let full = Self.aliases[name] ?? name
            guard let m = MetricName(rawValue: full), m.kind == .trend, m.isDuration, m.streamTrend != nil || full == metric else {
                throw RegressionToleranceError(text, "unknown metric \"\(name)\" (use ttft, ttfot, itl, tpot, e2e, stream_first_message or stream_message_gap)")
            }
            metric = full
            stat = String(stat[stat.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
        }
        let statistic: Statistic
        switch stat {
        case "avg": statistic = .avg
        case "med": statistic = .percentile(50)
        case "error_rate": statistic = .errorRate
        default:
            let s = stat
            guard s.hasPrefix("p("), s.hasSuffix(")"), let p = Double(s.dropFirst(2).dropLast()), p > 0, p < 100 else {
                throw RegressionToleranceError(text, "unknown statistic \"\(stat)\" (use p(N) with 0 < N < 100, med, avg or error_rate)")
            }
            statistic = .percentile(p)
        }
        var number = parts[1]
        let isPercent = number.hasSuffix("%")
        if isPercent { number.removeLast() }
        guard let v = Double(number.trimmingCharacters(in: .whitespaces)), v.isFinite, v >= 0 else {
            throw RegressionToleranceError(text, "the limit must be a non-negative number or percentage, e.g. 10%")
        }
        if metric != "http_req_duration" && statistic == .errorRate {
            throw RegressionToleranceError(text, "error_rate is of requests; write it without a metric")
        }
        var t = RegressionTolerance(statistic, isPercent ? v / 100 : v)
        t.metric = metric
        return t
    }

    /// Short names of the LLM metrics.
    static let aliases = ["ttft": "llm_ttft", "ttfot": "llm_ttfot", "itl": "llm_itl", "tpot": "llm_tpot", "e2e": "llm_e2e"]
}

/// A `--max-regression` that does not parse.
public struct RegressionToleranceError: Error, Sendable, CustomStringConvertible {
    public var description: String
    init(_ text: String, _ reason: String) { description = "--max-regression \"\(text)\": \(reason)" }
}

import Foundation
