/// Closed model: a fixed number of virtual users, each running iterations back to back, for a
/// duration.
public struct ConstantVUs: Sendable, Equatable {
    public var vus: Int
    public var duration: Duration

    public init(vus: Int, duration: Duration) {
        self.vus = vus
        self.duration = duration
    }

    /// Every problem with the configuration, worded for the person who wrote it.
    func validate() -> [String] {
        var problems: [String] = []
        if vus < 1 { problems.append("vus must be at least 1 (got \(vus))") }
        Limits.check("vus", vus, atMost: Limits.maxVUs, into: &problems)
        if duration <= .zero { problems.append("duration must be positive (got \(DurationFormat.string(duration)))") }
        Limits.check("duration", duration, into: &problems)
        return problems
    }

    var summary: String { "\(vus) VUs for \(DurationFormat.string(duration))" }
}
