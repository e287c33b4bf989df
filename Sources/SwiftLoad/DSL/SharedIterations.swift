/// Closed model: a fixed number of VUs share a number of iterations; whoever is free takes the
/// next one, so fast VUs do more. Ends when all are done or at `maxDuration`.
public struct SharedIterations: Sendable, Equatable {
    public var vus: Int
    public var iterations: Int
    public var maxDuration: Duration

    public init(vus: Int, iterations: Int, maxDuration: Duration = .seconds(600)) {
        self.vus = vus
        self.iterations = iterations
        self.maxDuration = maxDuration
    }

    func validate() -> [String] {
        var problems: [String] = []
        if vus < 1 { problems.append("vus must be at least 1 (got \(vus))") }
        if iterations < 1 { problems.append("iterations must be at least 1 (got \(iterations))") }
        if maxDuration <= .zero { problems.append("maxDuration must be positive (got \(DurationFormat.string(maxDuration)))") }
        Limits.check("vus", vus, atMost: Limits.maxVUs, into: &problems)
        Limits.check("iterations", iterations, atMost: Limits.maxIterations, into: &problems)
        Limits.check("maxDuration", maxDuration, into: &problems)
        return problems
    }

    var summary: String { "\(vus) VUs, \(iterations) shared iterations (max \(DurationFormat.string(maxDuration)))" }
}
