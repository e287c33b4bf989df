/// How much worse a compared statistic may get before `swiftload compare` calls it a regression.
///
/// Written `p(99)=10%`, `med=5%`, `avg=5%` (relative: the current value may be at most that much
/// higher) or `error_rate=1%` (absolute: the error rate may rise by at most one percentage point).
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
    /// A fraction: 0.10 for 10 % (relative), or 0.01 for one percentage point (error rate).
    public var limit: Double

    public init(_ statistic: Statistic, _ limit: Double) {
        self.statistic = statistic
        self.limit = limit
    }

    /// What `compare` checks when no `--max-regression` is given.
    public static let defaults = [RegressionTolerance(.percentile(99), 0.10), RegressionTolerance(.errorRate, 0.01)]

    public var description: String {
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
        let statistic: Statistic
        switch parts[0] {
        case "avg": statistic = .avg
        case "med": statistic = .percentile(50)
        case "error_rate": statistic = .errorRate
        default:
            let s = parts[0]
            guard s.hasPrefix("p("), s.hasSuffix(")"), let p = Double(s.dropFirst(2).dropLast()), p > 0, p < 100 else {
                throw RegressionToleranceError(text, "unknown statistic \"\(parts[0])\" (use p(N) with 0 < N < 100, med, avg or error_rate)")
            }
            statistic = .percentile(p)
        }
        var number = parts[1]
        let isPercent = number.hasSuffix("%")
        if isPercent { number.removeLast() }
        guard let v = Double(number.trimmingCharacters(in: .whitespaces)), v.isFinite, v >= 0 else {
            throw RegressionToleranceError(text, "the limit must be a non-negative number or percentage, e.g. 10%")
        }
        return RegressionTolerance(statistic, isPercent ? v / 100 : v)
    }
}

/// A `--max-regression` that does not parse.
public struct RegressionToleranceError: Error, Sendable, CustomStringConvertible {
    public var description: String
    init(_ text: String, _ reason: String) { description = "--max-regression \"\(text)\": \(reason)" }
}

import Foundation
