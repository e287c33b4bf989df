import Foundation

/// `swiftload compare`: a baseline run and a current run, statistic by statistic and request
/// name by request name, with a confidence interval on every change.
///
/// A change fails the gate only when the whole confidence interval lies beyond the tolerance:
/// a p99 that looks 12 % worse but could be 3 % worse at the chosen confidence is reported as
/// inconclusive and passes. Intervals come from the recorded histograms (see
/// `RecordedDistribution`), widened when a run's latency varied from second to second more than
/// independent samples would (see `SecondToSecondSpread`): a stall on a shared machine makes the
/// interval wider instead of failing the gate. Drift that lasts a whole run cannot be told from
/// a real change; the tolerance has to absorb it.
public struct RunComparison: Codable, Sendable {
    public enum Verdict: String, Codable, Sendable {
        /// Within the tolerance (or not distinguishable from it).
        case pass
        /// Worse than the tolerance allows, with confidence.
        case regression
        /// Beyond the tolerance at the point estimate, but not with confidence: passes.
        case inconclusive
        /// Better, with confidence.
        case improved
    }

    public struct Row: Codable, Sendable {
        /// The request name (`group::name` inside a group).
        public var name: String
        /// `p(99)`, `med`, `avg` or `error_rate`.
        public var statistic: String
        /// "ms" for latencies, "rate" for the error rate.
        public var unit: String
        public var baseline: Double
        public var current: Double
        /// Relative change (0.12 = +12 %) for latencies; difference in rate for the error rate.
        public var change: Double
        public var changeLow: Double
        public var changeHigh: Double
        public var limit: Double
        public var baselineCount: Int
        public var currentCount: Int
        public var verdict: Verdict
        /// One line a person reads: `p(99) +12.4% [95% CI +8.1%, +16.9%] > +10%: REGRESSION`.
        public var summary: String
    }

    public var kind = "swiftload-comparison"
    public var schemaVersion = 1
    public var baseline: String
    public var current: String
    public var confidence: Double
    public var tolerances: [String]
    public var rows: [Row]
    /// Names compared in one run only, and other things a reader should know.
    public var notes: [String]
    public var regressions: Int
    /// 0 when nothing regressed, 99 otherwise.
    public var exitCode: Int

    /// Compares `current` against `baseline`.
    ///
    /// - Parameters:
    ///   - names: request names to compare; empty compares every name both runs have.
    ///   - draws: bootstrap draws per compared statistic.
    /// - Throws: `ComparisonError` when a named request is missing, nothing is in common, or a
    ///   histogram cannot be read.
    public static func compare(baseline: RunResult, current: RunResult, baselineLabel: String, currentLabel: String,
                               tolerances: [RegressionTolerance] = RegressionTolerance.defaults, names: [String] = [],
                               confidence: Double = 0.95, draws: Int = 4000) throws(ComparisonError) -> RunComparison {
        let baseNames = Set(baseline.byName.filter { $0.count > 0 }.map(\.name))
        let currentNames = Set(current.byName.filter { $0.count > 0 }.map(\.name))
        var notes: [String] = []
        let compared: [String]
        if names.isEmpty {
            compared = baseNames.intersection(currentNames).sorted()
            for n in baseNames.subtracting(currentNames).sorted() { notes.append("\(n): only in the baseline, not compared") }
            for n in currentNames.subtracting(baseNames).sorted() { notes.append("\(n): only in the current run, not compared") }
            if compared.isEmpty {
                throw ComparisonError("the runs have no request name in common (baseline: \(list(baseNames)); current: \(list(currentNames)))")
            }
        } else {
            for n in names {
                if !baseNames.contains(n) { throw ComparisonError("no requests named \"\(n)\" in the baseline (it has \(list(baseNames)))") }
                if !currentNames.contains(n) { throw ComparisonError("no requests named \"\(n)\" in the current run (it has \(list(currentNames)))") }
            }
            compared = names
        }

        let alpha = (1 - confidence) / 2
        var rows: [Row] = []
        var widened = Set<String>()
        for name in compared {
            let b = baseline.byName.first { $0.name == name }!, c = current.byName.first { $0.name == name }!
            // Built once per name and metric: every statistic of a metric reads the same two distributions.
            var distributions: [String: (RecordedDistribution?, RecordedDistribution?)] = [:]
            func distribution(_ metric: String) throws(ComparisonError) -> (RecordedDistribution?, RecordedDistribution?) {
                if let d = distributions[metric] { return d }
                let hb: LatencyHistogram?, hc: LatencyHistogram?
                do {
                    hb = try baseline.histogram(metric, name: name)
                    hc = try current.histogram(metric, name: name)
                } catch {
                    throw ComparisonError(error.description)
                }
                let d = (hb.flatMap { $0.totalCount > 0 ? RecordedDistribution($0) : nil },
                         hc.flatMap { $0.totalCount > 0 ? RecordedDistribution($0) : nil })
                distributions[metric] = d
                return d
            }
            // The seed depends on the name only, so the same files give the same intervals.
            var rng = SplitMix64(seed: name.utf8.reduce(0xC0FFEE) { ($0 &* 31) &+ UInt64($1) })
            for t in tolerances {
                var samples: [Double] = []
                samples.reserveCapacity(draws)
                let point: (Double, Double)
                switch t.statistic {
                case .errorRate:
                    let fb = Double(b.failures), nb = Double(b.count), fc = Double(c.failures), nc = Double(c.count)
                    point = (fb / nb, fc / nc)
                    // Jeffreys intervals: each rate's uncertainty as Beta(f + ½, n − f + ½).
                    for _ in 0..<draws { samples.append(rng.beta(fc + 0.5, nc - fc + 0.5) - rng.beta(fb + 0.5, nb - fb + 0.5)) }
                case .avg, .percentile:
                    let (db, dc) = try distribution(t.metric)
                    guard let db, let dc else {
                        notes.append("\(name): no \(t.metric) histogram in \(db == nil ? "the baseline" : "the current run"), \(t.description) not compared")
                        continue
                    }
                    var drawsB: [Double] = [], drawsC: [Double] = []
                    if case .percentile(let p) = t.statistic {
                        point = (db.percentile(p), dc.percentile(p))
                        for _ in 0..<draws {
                            drawsB.append(db.drawPercentile(p, using: &rng))
                            drawsC.append(dc.drawPercentile(p, using: &rng))
                        }
                    } else {
                        point = (db.mean, dc.mean)
                        for _ in 0..<draws {
                            drawsB.append(db.drawMean(using: &rng))
                            drawsC.append(dc.drawMean(using: &rng))
                        }
                    }
                    // The per-second series holds request durations only.
                    let perSecond = t.metric == "http_req_duration"
                    let widenB = perSecond ? SecondToSecondSpread.widening(baseline, name: name, statistic: t.statistic, draws: drawsB, point: point.0) : 1
                    let widenC = perSecond ? SecondToSecondSpread.widening(current, name: name, statistic: t.statistic, draws: drawsC, point: point.1) : 1
                    if widenB > 1 || widenC > 1 {
                        widened.insert(name)
                    }
                    for i in 0..<draws {
                        samples.append(SecondToSecondSpread.widen(drawsC[i], around: point.1, by: widenC)
                                       / SecondToSecondSpread.widen(drawsB[i], around: point.0, by: widenB) - 1)
                    }
                }
                samples.sort()
                let low = samples[Int(Double(draws - 1) * alpha)], high = samples[Int(Double(draws - 1) * (1 - alpha))]
                let isRate = t.statistic == .errorRate
                let change = isRate ? point.1 - point.0 : (point.0 > 0 ? point.1 / point.0 - 1 : 0)
                let verdict: Verdict = low > t.limit ? .regression : change > t.limit ? .inconclusive : high < 0 ? .improved : .pass
                let statistic = t.metric == "http_req_duration" ? t.statistic.description : "\(t.metric) \(t.statistic)"
                var row = Row(name: name, statistic: statistic, unit: isRate ? "rate" : "ms",
                              baseline: isRate ? point.0 : point.0 / 1000, current: isRate ? point.1 : point.1 / 1000,
                              change: change, changeLow: low, changeHigh: high, limit: t.limit,
                              baselineCount: b.count, currentCount: c.count, verdict: verdict, summary: "")
                row.summary = summary(row, confidence: confidence)
                rows.append(row)
            }
        }
        for n in widened.sorted() {
            notes.append("\(n): latency varied more from second to second than sampling explains; intervals widened to match")
        }
        let regressions = rows.filter { $0.verdict == .regression }.count
        return RunComparison(baseline: baselineLabel, current: currentLabel, confidence: confidence,
                             tolerances: tolerances.map(\.description), rows: rows, notes: notes,
                             regressions: regressions, exitCode: regressions > 0 ? LoadRunner.ExitCode.thresholdsFailed : 0)
    }

    private static func list(_ names: Set<String>) -> String {
        names.isEmpty ? "none" : names.sorted().joined(separator: ", ")
    }

    /// `+12.4%` for relative changes, `+0.52 pt` for rate differences.
    static func change(_ v: Double, rate: Bool) -> String {
        rate ? String(format: "%+.2f pt", v * 100) : String(format: "%+.1f%%", v * 100)
    }

    private static func summary(_ r: Row, confidence: Double) -> String {
        let rate = r.unit == "rate"
        let ci = "[\(Int((confidence * 100).rounded()))% CI \(change(r.changeLow, rate: rate)), \(change(r.changeHigh, rate: rate))]"
        let limit = change(r.limit, rate: rate)
        let head = "\(r.statistic) \(change(r.change, rate: rate)) \(ci)"
        switch r.verdict {
        case .regression: return "\(head) > \(limit): REGRESSION"
        case .inconclusive: return "\(head) above \(limit) but not with confidence: pass"
        case .improved: return "\(head): improved"
        case .pass: return "\(head) within \(limit): pass"
        }
    }
}

/// Why two results cannot be compared (exit code 2).
public struct ComparisonError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ d: String) { description = d }
}
