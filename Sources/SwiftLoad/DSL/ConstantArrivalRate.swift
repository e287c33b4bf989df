/// Open model: iterations start on a fixed schedule (`rate` per `timeUnit`) however slowly the
/// target answers. An arrival that finds every VU busy, with `maxVUs` already in use, is
/// counted as a dropped iteration, never silently skipped.
public struct ConstantArrivalRate: Sendable, Equatable {
    public var rate: Int
    public var timeUnit: Duration
    public var duration: Duration
    /// VUs created before the scenario starts.
    public var preAllocatedVUs: Int
    /// The most VUs the scenario may use; more are created on demand up to this number.
    public var maxVUs: Int

    public init(rate: Int, timeUnit: Duration = .seconds(1), duration: Duration,
                preAllocatedVUs: Int, maxVUs: Int? = nil) {
        self.rate = rate
        self.timeUnit = timeUnit
        self.duration = duration
        self.preAllocatedVUs = preAllocatedVUs
        self.maxVUs = maxVUs ?? preAllocatedVUs
    }

    /// Nanoseconds between two scheduled iterations.
    var intervalNanoseconds: Double { Double(timeUnit.nanoseconds) / Double(rate) }

    /// The schedule: one arrival every interval from the start.
    var curve: ArrivalCurve {
        ArrivalCurve.constant(perNanosecond: Double(rate) / Double(timeUnit.nanoseconds), duration: Double(duration.nanoseconds))
    }

    /// The number of iterations the schedule holds.
    var totalIterations: Int {
        guard rate > 0, timeUnit > .zero else { return 0 }
        return curve.count
    }

    func validate() -> [String] {
        var problems: [String] = []
        if rate < 1 { problems.append("rate must be at least 1 (got \(rate))") }
        if timeUnit <= .zero { problems.append("timeUnit must be positive (got \(DurationFormat.string(timeUnit)))") }
        if duration <= .zero { problems.append("duration must be positive (got \(DurationFormat.string(duration)))") }
        if preAllocatedVUs < 0 { problems.append("preAllocatedVUs must not be negative (got \(preAllocatedVUs))") }
        if maxVUs < 1 { problems.append("maxVUs must be at least 1 (got \(maxVUs))") }
        if maxVUs < preAllocatedVUs {
            problems.append("maxVUs (\(maxVUs)) must not be below preAllocatedVUs (\(preAllocatedVUs))")
        }
        Limits.check("rate", rate: rate, per: timeUnit, into: &problems)
        Limits.check("timeUnit", timeUnit, into: &problems)
        Limits.check("duration", duration, into: &problems)
        Limits.check("maxVUs", maxVUs, atMost: Limits.maxVUs, into: &problems)
        Limits.check("preAllocatedVUs", preAllocatedVUs, atMost: Limits.maxVUs, into: &problems)
        return problems
    }

    var summary: String {
        let unit = timeUnit == .seconds(1) ? "s" : DurationFormat.string(timeUnit)
        return "\(rate) iterations/\(unit) for \(DurationFormat.string(duration)) (\(preAllocatedVUs) VUs pre-allocated, max \(maxVUs))"
    }
}
