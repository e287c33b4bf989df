/// Open model with a changing rate: from `startRate` iterations per `timeUnit` the rate moves
/// linearly through the stages; iterations start on that schedule whatever the target's speed,
/// and arrivals that find no free VU (with `maxVUs` in use) are dropped and counted.
public struct RampingArrivalRate: Sendable, Equatable {
    public var startRate: Int
    public var timeUnit: Duration
    public var stages: [Stage]
    public var preAllocatedVUs: Int
    public var maxVUs: Int

    public init(startRate: Int = 0, timeUnit: Duration = .seconds(1), stages: [Stage], preAllocatedVUs: Int,
                maxVUs: Int? = nil) {
        self.startRate = startRate
        self.timeUnit = timeUnit
        self.stages = stages
        self.preAllocatedVUs = preAllocatedVUs
        self.maxVUs = maxVUs ?? preAllocatedVUs
    }

    var duration: Duration { stages.reduce(.zero) { $0 + $1.duration } }

    func validate() -> [String] {
        var problems = Stage.validate(stages, what: "target rate")
        if startRate < 0 { problems.append("startRate must not be negative (got \(startRate))") }
        if timeUnit <= .zero { problems.append("timeUnit must be positive (got \(DurationFormat.string(timeUnit)))") }
        if preAllocatedVUs < 0 { problems.append("preAllocatedVUs must not be negative (got \(preAllocatedVUs))") }
        if maxVUs < 1 { problems.append("maxVUs must be at least 1 (got \(maxVUs))") }
        if maxVUs < preAllocatedVUs { problems.append("maxVUs (\(maxVUs)) must not be below preAllocatedVUs (\(preAllocatedVUs))") }
        Limits.check("startRate", rate: startRate, per: timeUnit, into: &problems)
        for (i, s) in stages.enumerated() { Limits.check("stage \(i + 1): target rate", rate: s.target, per: timeUnit, into: &problems) }
        Limits.check("timeUnit", timeUnit, into: &problems)
        Limits.check("maxVUs", maxVUs, atMost: Limits.maxVUs, into: &problems)
        Limits.check("preAllocatedVUs", preAllocatedVUs, atMost: Limits.maxVUs, into: &problems)
        return problems
    }

    /// The rate curve, in arrivals per nanosecond.
    var curve: ArrivalCurve {
        let unit = Double(timeUnit.nanoseconds)
        var segments: [ArrivalCurve.Segment] = []
        var rate = Double(startRate) / unit
        for s in stages {
            let next = Double(s.target) / unit
            segments.append(ArrivalCurve.Segment(duration: Double(s.duration.nanoseconds), startRate: rate, endRate: next))
            rate = next
        }
        return ArrivalCurve(segments: segments)
    }

    var summary: String {
        let unit = timeUnit == .seconds(1) ? "s" : DurationFormat.string(timeUnit)
        return "iterations/\(unit) \(Stage.describe(start: startRate, stages)) (\(preAllocatedVUs) VUs pre-allocated, max \(maxVUs))"
    }
}
