import Foundation

/// How much more a run's latency varied between its seconds than independent samples explain.
///
/// Latency samples of a run are not independent: a stall on a shared machine slows every request
/// of that moment. Order statistics alone then give intervals that are too narrow and a gate that
/// cries wolf. The per-second percentiles in the time series are batch means: under independence
/// the spread of log(p) over k seconds, divided by √k, estimates the same standard error as the
/// whole-run histogram does. When it is larger, the bootstrap draws are stretched around the point
/// estimate by the ratio, so the interval covers the spread the run showed.
enum SecondToSecondSpread {
    /// The factor (≥ 1) to stretch `draws` of `statistic` for request `name` in `result`.
    static func widening(_ result: RunResult, name: String, statistic: RegressionTolerance.Statistic,
                         draws: [Double], point: Double) -> Double {
        // The per-second series carries p50, p95 and p99: use the one nearest the statistic.
        let q: Double, pick: (NamePoint) -> Double
        switch statistic {
        case .percentile(let p) where p >= 97: (q, pick) = (99, { $0.p99 })
        case .percentile(let p) where p >= 75: (q, pick) = (95, { $0.p95 })
        default: (q, pick) = (50, { $0.p50 })
        }
        // Seconds with enough requests for that percentile to mean something, full seconds only.
        let minimum = Int((2 / (1 - q / 100)).rounded(.up))
        let logs = result.timeSeries.compactMap { point -> Double? in
            guard point.seconds > 0.99, let n = point.byName[name], n.requests - n.failures >= minimum, pick(n) > 0 else { return nil }
            return log(pick(n))
        }
        guard logs.count >= 5, point > 0 else { return 1 }
        let batchError = standardDeviation(logs) / Double(logs.count).squareRoot()
        let sampleError = standardDeviation(draws.filter { $0 > 0 }.map { log($0) })
        guard sampleError > 0 else { return batchError > 0 ? 10 : 1 }
        return max(1, batchError / sampleError)
    }

    /// `draw` moved `factor` times as far from `point` on a log scale.
    static func widen(_ draw: Double, around point: Double, by factor: Double) -> Double {
        guard factor > 1, draw > 0, point > 0 else { return draw }
        return exp(log(point) + factor * (log(draw) - log(point)))
    }

    private static func standardDeviation(_ xs: [Double]) -> Double {
        guard xs.count > 1 else { return 0 }
        let mean = xs.reduce(0, +) / Double(xs.count)
        return (xs.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(xs.count - 1)).squareRoot()
    }
}
