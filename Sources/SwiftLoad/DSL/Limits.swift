/// The largest values the options take, so every number a user can write is checked against a
/// bound with a one-line error instead of overflowing the scheduler's arithmetic.
///
/// The bounds are far beyond what one machine can drive (a million VUs, ten million arrivals a
/// second, a year of run time); they exist so that `--rate 9223372036854775807` is a usage
/// error, not a trap.
enum Limits {
    static let maxVUs = 1_000_000
    /// Iterations started per second at most (after dividing by the time unit).
    static let maxRatePerSecond = 10_000_000.0
    static let maxIterations = 1_000_000_000_000
    /// The longest duration, start time, stage or grace period.
    static let maxDuration = Duration.seconds(366 * 86_400)
    static let maxRequestTimeout = Duration.seconds(86_400)
    static let maxRedirects = 1_000
    static let maxRequestNames = 1_000_000
    static let maxHTTP2Connections = 10_000
    static let maxGRPCMessageSize = Int(Int32.max)

    /// "NAME must be at most …" when `value` is above `limit`.
    static func check(_ name: String, _ value: Int, atMost limit: Int, into problems: inout [String]) {
        if value > limit { problems.append("\(name) must be at most \(NumberFormat.grouped(limit)) (got \(NumberFormat.grouped(value)))") }
    }

    /// "NAME must be at most …" when `value` is longer than `maxDuration` (or `limit`).
    static func check(_ name: String, _ value: Duration, atMost limit: Duration = maxDuration, into problems: inout [String]) {
        if value > limit { problems.append("\(name) must be at most \(DurationFormat.string(limit)) (got \(DurationFormat.string(value)))") }
    }

    /// Checks `rate` per `timeUnit` against `maxRatePerSecond`.
    static func check(_ name: String, rate: Int, per timeUnit: Duration, into problems: inout [String]) {
        guard timeUnit > .zero, rate > 0 else { return }
        let perSecond = Double(rate) / timeUnit.seconds
        if perSecond > maxRatePerSecond {
            problems.append("\(name) must be at most \(NumberFormat.grouped(Int(maxRatePerSecond))) iterations per second (got \(NumberFormat.grouped(rate)) per \(DurationFormat.string(timeUnit)))")
        }
    }
}
