/// How a scenario schedules its iterations (k6's executors).
public enum Executor: Sendable, Equatable {
    case constantVUs(ConstantVUs)
    case sharedIterations(SharedIterations)
    case perVUIterations(PerVUIterations)
    case rampingVUs(RampingVUs)
    case constantArrivalRate(ConstantArrivalRate)
    case rampingArrivalRate(RampingArrivalRate)

    /// The executor's name as the report shows it (k6's names).
    public var name: String {
        switch self {
        case .constantVUs: return "constant-vus"
        case .sharedIterations: return "shared-iterations"
        case .perVUIterations: return "per-vu-iterations"
        case .rampingVUs: return "ramping-vus"
        case .constantArrivalRate: return "constant-arrival-rate"
        case .rampingArrivalRate: return "ramping-arrival-rate"
        }
    }

    func validate() -> [String] {
        switch self {
        case .constantVUs(let c): return c.validate()
        case .sharedIterations(let c): return c.validate()
        case .perVUIterations(let c): return c.validate()
        case .rampingVUs(let c): return c.validate()
        case .constantArrivalRate(let c): return c.validate()
        case .rampingArrivalRate(let c): return c.validate()
        }
    }

    var summary: String {
        switch self {
        case .constantVUs(let c): return c.summary
        case .sharedIterations(let c): return c.summary
        case .perVUIterations(let c): return c.summary
        case .rampingVUs(let c): return c.summary
        case .constantArrivalRate(let c): return c.summary
        case .rampingArrivalRate(let c): return c.summary
        }
    }

    /// How long the executor starts iterations, not counting the graceful stop.
    var activeDuration: Duration {
        switch self {
        case .constantVUs(let c): return c.duration
        case .sharedIterations(let c): return c.maxDuration
        case .perVUIterations(let c): return c.maxDuration
        case .rampingVUs(let c): return c.duration
        case .constantArrivalRate(let c): return c.duration
        case .rampingArrivalRate(let c): return c.duration
        }
    }

    /// The most VUs the executor can have at once.
    var maxVUs: Int {
        switch self {
        case .constantVUs(let c): return c.vus
        case .sharedIterations(let c): return c.vus
        case .perVUIterations(let c): return c.vus
        case .rampingVUs(let c): return c.maxVUs
        case .constantArrivalRate(let c): return c.maxVUs
        case .rampingArrivalRate(let c): return c.maxVUs
        }
    }

    /// Whether iterations start on a schedule (open model) rather than when a VU is free.
    var isOpenModel: Bool {
        switch self {
        case .constantArrivalRate, .rampingArrivalRate: return true
        default: return false
        }
    }
}

/// One named workload inside a test: an executor, when it starts, how it stops, its tags and,
/// optionally, its own iteration function.
///
///     .rampingVUs(stages: [.ramp(to: 50, over: .seconds(30)), .hold(50, for: .minutes(2))])
///         .startingAt(.seconds(10))
///         .tagged(["team": "search"])
///         .running(Checkout.iteration)
public struct Scenario: Sendable {
    public var executor: Executor
    /// Time in-flight iterations get to finish when the scenario ends before they are
    /// interrupted (k6's `gracefulStop`, default 30 s).
    public var gracefulStop: Duration
    /// Offset from the start of the test.
    public var startTime: Duration
    /// Added to every request, check and iteration of the scenario.
    public var tags: [String: String]
    /// The iteration this scenario runs; nil runs the test's `iteration`.
    public var exec: (nonisolated(nonsending) @Sendable (VU) async throws -> Void)? {
        get { ownIteration?.body }
        set { ownIteration = newValue.map(OwnIteration.init) }
    }

    /// `exec`, boxed: a closure inside an Optional is stored at the most general abstraction and
    /// every call would go through conversion thunks; inside a struct it is called directly.
    /// `nonisolated(nonsending)` keeps it on the VU's worker without an executor hop.
    struct OwnIteration: Sendable {
        let body: nonisolated(nonsending) @Sendable (VU) async throws -> Void
    }
    var ownIteration: OwnIteration?

    public init(executor: Executor, gracefulStop: Duration = .seconds(30), startTime: Duration = .zero,
                tags: [String: String] = [:], exec: (nonisolated(nonsending) @Sendable (VU) async throws -> Void)? = nil) {
        self.executor = executor
        self.gracefulStop = gracefulStop
        self.startTime = startTime
        self.tags = tags
        self.ownIteration = exec.map(OwnIteration.init)
    }

    // MARK: executors

    /// `vus` virtual users looping for `duration`.
    public static func constantVUs(_ vus: Int, duration: Duration, gracefulStop: Duration = .seconds(30)) -> Scenario {
        Scenario(executor: .constantVUs(ConstantVUs(vus: vus, duration: duration)), gracefulStop: gracefulStop)
    }

    /// `vus` virtual users sharing `iterations` iterations (the same as `sharedIterations`).
    public static func constantVUs(_ vus: Int, iterations: Int, maxDuration: Duration = .seconds(600),
                                   gracefulStop: Duration = .seconds(30)) -> Scenario {
        sharedIterations(vus: vus, iterations: iterations, maxDuration: maxDuration, gracefulStop: gracefulStop)
    }

    /// `vus` virtual users sharing `iterations` iterations; stopped after `maxDuration` at most.
    public static func sharedIterations(vus: Int, iterations: Int, maxDuration: Duration = .seconds(600),
                                        gracefulStop: Duration = .seconds(30)) -> Scenario {
        Scenario(executor: .sharedIterations(SharedIterations(vus: vus, iterations: iterations, maxDuration: maxDuration)),
                 gracefulStop: gracefulStop)
    }

    /// Each of `vus` virtual users runs `iterations` iterations; stopped after `maxDuration` at most.
    public static func perVUIterations(vus: Int, iterations: Int, maxDuration: Duration = .seconds(600),
                                       gracefulStop: Duration = .seconds(30)) -> Scenario {
        Scenario(executor: .perVUIterations(PerVUIterations(vus: vus, iterations: iterations, maxDuration: maxDuration)),
                 gracefulStop: gracefulStop)
    }

    /// A VU count that follows `stages` linearly from `startVUs`.
    public static func rampingVUs(startVUs: Int = 0, stages: [Stage], gracefulRampDown: Duration = .seconds(30),
                                  gracefulStop: Duration = .seconds(30)) -> Scenario {
        Scenario(executor: .rampingVUs(RampingVUs(startVUs: startVUs, stages: stages, gracefulRampDown: gracefulRampDown)),
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

    /// An arrival rate that follows `stages` linearly from `startRate` (per `timeUnit`).
    public static func rampingArrivalRate(startRate: Int = 0, per timeUnit: Duration = .seconds(1), stages: [Stage],
                                          preAllocatedVUs: Int, maxVUs: Int? = nil,
                                          gracefulStop: Duration = .seconds(30)) -> Scenario {
        Scenario(executor: .rampingArrivalRate(RampingArrivalRate(
                    startRate: startRate, timeUnit: timeUnit, stages: stages,
                    preAllocatedVUs: preAllocatedVUs, maxVUs: maxVUs)),
                 gracefulStop: gracefulStop)
    }

    // MARK: modifiers

    /// Starts the scenario `offset` after the test starts.
    public func startingAt(_ offset: Duration) -> Scenario {
        var s = self
        s.startTime = offset
        return s
    }

    /// Adds tags to everything the scenario records.
    public func tagged(_ tags: [String: String]) -> Scenario {
        var s = self
        s.tags.merge(tags) { _, new in new }
        return s
    }

    /// Runs `iteration` instead of the test's `iteration`.
    public func running(_ iteration: nonisolated(nonsending) @escaping @Sendable (VU) async throws -> Void) -> Scenario {
        var s = self
        s.ownIteration = OwnIteration(body: iteration)
        return s
    }

    /// Sets the graceful stop.
    public func gracefulStop(_ d: Duration) -> Scenario {
        var s = self
        s.gracefulStop = d
        return s
    }

    func validate() -> [String] {
        var problems = executor.validate()
        if gracefulStop < .zero { problems.append("gracefulStop must not be negative") }
        if startTime < .zero { problems.append("startTime must not be negative") }
        Limits.check("gracefulStop", gracefulStop, into: &problems)
        Limits.check("startTime", startTime, into: &problems)
        for (k, _) in tags where !ExecutionPlan.isValidName(k) {
            problems.append("tag name '\(k)' may only hold letters, digits, '_', '-' and '.'")
        }
        return problems
    }
}
