/// Which arrival rate (or, in a concurrency sweep, VU count) a sweep measures next: coarse steps up (each `factor` times the last) until
/// a step fails its SLOs or the target is clearly saturated, then bisection between the highest
/// passing and the lowest failing rate until they are within `precision` of each other.
///
/// Pure logic: it is told each step's verdict and answers with the next rate, so tests drive it
/// without a server.
public struct SweepSearch: Sendable {
    public let from: Double
    public let to: Double
    public var factor = 2.0
    /// Bisection stops when (lowest failing − highest passing) / highest passing is below this.
    public var precision = 0.05
    /// At most this many bisection steps after the coarse ones.
    public var maxBisections = 6
    /// Whole numbers only (a concurrency sweep's VU counts): bisection ends when the two are
    /// neighbours.
    public var integral = false

    /// The highest rate that met every SLO so far, and the lowest that did not.
    public private(set) var highestPass: Double?
    public private(set) var lowestFail: Double?
    private var bisections = 0

    public init(from: Double, to: Double) {
        self.from = from
        self.to = to
    }

    /// The first rate to measure.
    public var first: Double { from }

    /// Records the verdict on `rate` and returns the next rate, or nil when the search is done.
    public mutating func next(after rate: Double, passed: Bool) -> Double? {
        if passed {
            highestPass = max(highestPass ?? rate, rate)
        } else {
            lowestFail = min(lowestFail ?? rate, rate)
        }
        guard let fail = lowestFail else {
            // Still climbing: the next coarse step, the top once, then done.
            if rate >= to { return nil }
            return min(integral ? (rate * factor).rounded(.up) : rate * factor, to)
        }
        guard let pass = highestPass else { return nil }   // even the lowest rate failed
        if integral {
            if fail - pass <= 1 || bisections >= maxBisections { return nil }
            bisections += 1
            return ((pass + fail) / 2).rounded(.down)
        }
        if (fail - pass) / pass <= precision || bisections >= maxBisections { return nil }
        bisections += 1
        return Self.round((pass + fail) / 2)
    }

    /// Rates kept to what `--rate` takes (three decimals), and whole above 100/s.
    public static func round(_ r: Double) -> Double {
        r >= 100 ? r.rounded() : (r * 1000).rounded() / 1000
    }
}
