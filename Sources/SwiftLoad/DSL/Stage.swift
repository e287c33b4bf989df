/// One stage of a ramping executor: move linearly to `target` (VUs, or iterations per time unit)
/// over `duration`. A stage with the previous target holds it.
public struct Stage: Sendable, Equatable {
    public var target: Int
    public var duration: Duration

    public init(target: Int, duration: Duration) {
        self.target = target
        self.duration = duration
    }

    /// `.ramp(to: 100, over: .seconds(30))`
    public static func ramp(to target: Int, over duration: Duration) -> Stage {
        Stage(target: target, duration: duration)
    }

    /// `.hold(100, for: .seconds(60))`
    public static func hold(_ target: Int, for duration: Duration) -> Stage {
        Stage(target: target, duration: duration)
    }

    static func validate(_ stages: [Stage], what: String) -> [String] {
        var problems: [String] = []
        if stages.isEmpty { problems.append("give at least one stage") }
        for (i, s) in stages.enumerated() {
            if s.target < 0 { problems.append("stage \(i + 1): \(what) must not be negative (got \(s.target))") }
            if s.duration < .zero { problems.append("stage \(i + 1): duration must not be negative") }
            Limits.check("stage \(i + 1): duration", s.duration, into: &problems)
        }
        if stages.count > 10_000 { problems.append("give at most 10,000 stages (got \(NumberFormat.grouped(stages.count)))") }
        if !stages.isEmpty && stages.reduce(Duration.zero, { $0 + $1.duration }) <= .zero {
            problems.append("the stages must last longer than 0s")
        }
        return problems
    }

    /// "0, to 20 over 30s, hold 1m, to 0 over 15s"
    static func describe(start: Int, _ stages: [Stage]) -> String {
        var parts = ["\(start)"]
        var current = start
        for s in stages {
            let d = DurationFormat.string(s.duration)
            if s.target == current {
                parts.append("hold \(d)")
            } else if s.duration == .zero {
                parts.append("jump to \(s.target)")
            } else {
                parts.append("to \(s.target) over \(d)")
            }
            current = s.target
        }
        return parts.joined(separator: ", ")
    }
}
