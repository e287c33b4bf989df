/// Closed model with a changing number of VUs: from `startVUs` the count moves linearly through
/// the stages. VUs removed by a ramp-down finish their iteration first, within
/// `gracefulRampDown`, after which it is interrupted (k6's semantics).
public struct RampingVUs: Sendable, Equatable {
    public var startVUs: Int
    public var stages: [Stage]
    public var gracefulRampDown: Duration

    public init(startVUs: Int = 0, stages: [Stage], gracefulRampDown: Duration = .seconds(30)) {
        self.startVUs = startVUs
        self.stages = stages
        self.gracefulRampDown = gracefulRampDown
    }

    var duration: Duration { stages.reduce(.zero) { $0 + $1.duration } }
    var maxVUs: Int { max(startVUs, stages.map(\.target).max() ?? 0) }

    func validate() -> [String] {
        var problems = Stage.validate(stages, what: "target VUs")
        if startVUs < 0 { problems.append("startVUs must not be negative (got \(startVUs))") }
        if gracefulRampDown < .zero { problems.append("gracefulRampDown must not be negative") }
        if maxVUs < 1 && !stages.isEmpty { problems.append("at least one stage needs a target above 0 VUs") }
        Limits.check("VUs", maxVUs, atMost: Limits.maxVUs, into: &problems)
        Limits.check("gracefulRampDown", gracefulRampDown, into: &problems)
        return problems
    }

    var summary: String { "VUs \(Stage.describe(start: startVUs, stages))" }
}
