/// How a scenario schedules its iterations.
public enum Executor: Sendable, Equatable {
    case constantVUs(ConstantVUs)
    case constantArrivalRate(ConstantArrivalRate)

    /// The executor's name as the report shows it (k6's names).
    public var name: String {
        switch self {
        case .constantVUs(let c): return c.iterations == nil ? "constant-vus" : "shared-iterations"
        case .constantArrivalRate: return "constant-arrival-rate"
        }
    }

    func validate() -> [String] {
        switch self {
        case .constantVUs(let c): return c.validate()
        case .constantArrivalRate(let c): return c.validate()
        }
    }

    var summary: String {
        switch self {
        case .constantVUs(let c): return c.summary
        case .constantArrivalRate(let c): return c.summary
        }
    }

    /// How long the executor starts iterations, not counting the graceful stop.
    var activeDuration: Duration {
        switch self {
        case .constantVUs(let c): return c.activeDuration
        case .constantArrivalRate(let c): return c.duration
        }
    }

    /// The most VUs the executor can have at once.
    var maxVUs: Int {
        switch self {
        case .constantVUs(let c): return c.vus
        case .constantArrivalRate(let c): return c.maxVUs
        }
    }
}

/// One named workload inside a test: an executor plus when and how it stops.
public struct Scenario: Sendable {
    public var executor: Executor
    /// Time in-flight iterations get to finish when the scenario ends before they are
    /// interrupted (k6's `gracefulStop`, default 30 s).
    public var gracefulStop: Duration
    /// Offset from the start of the test.
    public var startTime: Duration

    public init(executor: Executor, gracefulStop: Duration = .seconds(30), startTime: Duration = .zero) {
        self.executor = executor
        self.gracefulStop = gracefulStop
        self.startTime = startTime
    }

    /// `vus` virtual users looping for `duration`.
    public static func constantVUs(_ vus: Int, duration: Duration,
                                   gracefulStop: Duration = .seconds(30)) -> Scenario {
        Scenario(executor: .constantVUs(ConstantVUs(vus: vus, duration: duration)), gracefulStop: gracefulStop)
    }

    /// `vus` virtual users sharing `iterations` iterations; stopped after `maxDuration` at most.
    public static func constantVUs(_ vus: Int, iterations: Int, maxDuration: Duration = .seconds(600),
                                   gracefulStop: Duration = .seconds(30)) -> Scenario {
        Scenario(executor: .constantVUs(ConstantVUs(vus: vus, iterations: iterations, maxDuration: maxDuration)),
                 gracefulStop: gracefulStop)
    }

    /// `rate` iterations per `timeUnit`, started on schedule for `duration`.
    public static func constantArrivalRate(_ rate: Int, per timeUnit: Duration = .seconds(1), duration: Duration,
                                           preAllocatedVUs: Int, maxVUs: Int? = nil,
                                           gracefulStop: Duration = .seconds(30)) -> Scenario {
        Scenario(executor: .constantArrivalRate(ConstantArrivalRate(
                    rate: rate, timeUnit: timeUnit, duration: duration,
                    preAllocatedVUs: preAllocatedVUs, maxVUs: maxVUs)),
                 gracefulStop: gracefulStop)
    }

    func validate() -> [String] {
        var problems = executor.validate()
        if gracefulStop < .zero { problems.append("gracefulStop must not be negative") }
        if startTime < .zero { problems.append("startTime must not be negative") }
        return problems
    }
}
