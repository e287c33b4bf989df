/// Closed model: a fixed number of virtual users, each running iterations back to back, for a
/// duration or until a shared number of iterations is done.
public struct ConstantVUs: Sendable, Equatable {
    public var vus: Int
    /// How long to run. Nil when the scenario is bounded by `iterations` instead.
    public var duration: Duration?
    /// Iterations shared by all the VUs (whoever is free takes the next); nil for duration-bound.
    public var iterations: Int?
    /// The longest an iterations-bound scenario may run before it is stopped.
    public var maxDuration: Duration

    public init(vus: Int, duration: Duration? = nil, iterations: Int? = nil,
                maxDuration: Duration = .seconds(600)) {
        self.vus = vus
        self.duration = duration
        self.iterations = iterations
        self.maxDuration = maxDuration
    }

    /// How long the scenario may start iterations.
    var activeDuration: Duration { duration ?? maxDuration }

    /// Every problem with the configuration, worded for the person who wrote it.
    func validate() -> [String] {
        var problems: [String] = []
        if vus < 1 { problems.append("vus must be at least 1 (got \(vus))") }
        if vus > 1_000_000 { problems.append("vus must be at most 1000000 (got \(vus))") }
        switch (duration, iterations) {
        case (nil, nil):
            problems.append("give a duration or a number of iterations")
        case (let d?, nil):
            if d <= .zero { problems.append("duration must be positive (got \(DurationFormat.string(d)))") }
        case (nil, let n?):
            if n < 1 { problems.append("iterations must be at least 1 (got \(n))") }
            if maxDuration <= .zero { problems.append("maxDuration must be positive (got \(DurationFormat.string(maxDuration)))") }
        case (_?, _?):
            problems.append("give either a duration or a number of iterations, not both")
        }
        return problems
    }

    var summary: String {
        if let iterations {
            return "\(vus) VUs, \(iterations) shared iterations (max \(DurationFormat.string(maxDuration)))"
        }
        return "\(vus) VUs for \(DurationFormat.string(duration ?? .zero))"
    }
}
