import Synchronization

/// A configuration the user must fix; the message is worded for them. Exit code 2.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    public var problems: [String]
    /// The exit code the command ends with (2, or 1 for a setup() that failed at run time).
    public var exitCode: Int
    public init(_ problems: [String], exitCode: Int = 2) {
        self.problems = problems
        self.exitCode = exitCode
    }
    public var description: String { problems.joined(separator: "; ") }
}

/// Iterations shared by the VUs of a shared-iterations scenario across all workers. One atomic
/// add per iteration, not per request.
final class SharedIterationCounter: Sendable {
    let total: Int
    private let claimed = Atomic<Int>(0)

    init(total: Int) { self.total = total }

    /// Takes the next iteration; false once all are taken.
    func claim() -> Bool {
        claimed.add(1, ordering: .relaxed).newValue <= total
    }
}

/// How the run is split: per scenario, which workers take part and what each one runs.
///
/// Workers share nothing on the hot path, so a scenario's VUs, arrivals and VU budget are divided
/// between them up front. A scenario uses at most as many workers as it can have VUs.
struct ExecutionPlan: Sendable {
    struct ScenarioPlan: Sendable {
        let name: String
        let scenario: Scenario
        let startOffset: UInt64
        let activeDuration: UInt64
        let gracefulStop: UInt64
        /// Workers taking part (0..<participants).
        let participants: Int
        /// VU ids of this scenario are `idBase + 1 + j`, where j numbers the scenario's VUs as
        /// one process would: unique across workers and segments.
        let idBase: Int
        let sharedIterations: SharedIterationCounter?
        /// This process's part of the test (every VU count is first cut to it).
        let segment: ExecutionSegment

        /// The share of a scenario-wide count (VUs, a ramp's target) that worker `w` gets: the
        /// segment's part of `total`, split over the participants. The segment's VU k is
        /// worker `k mod participants`'s.
        func share(_ total: Int, worker w: Int) -> Int {
            guard w < participants else { return 0 }
            let local = segment.count(total)
            return local / participants + (w < local % participants ? 1 : 0)
        }

        func vuID(worker w: Int, index k: Int) -> Int {
            idBase + 1 + segment.global(w + k * participants)
        }
    }

    let workerCount: Int
    let scenarios: [ScenarioPlan]
    /// This process's part of the test.
    let segment: ExecutionSegment

    /// The planned length of the test, without graceful stops.
    var plannedDuration: UInt64 {
        scenarios.map { $0.startOffset + $0.activeDuration }.max() ?? 0
    }

    /// The longest the test can last, graceful stops included.
    var maxDuration: UInt64 {
        scenarios.map { $0.startOffset + $0.activeDuration + $0.gracefulStop }.max() ?? 0
    }

    /// Validates `options` and splits this process's `segment` of them over `workers` threads;
    /// throws every problem at once.
    static func make(options: Options, workers: Int, segment: ExecutionSegment = .whole) throws(ConfigurationError) -> ExecutionPlan {
        var problems: [String] = []
        if workers < 1 || workers > 1024 { problems.append("workers must be between 1 and 1024 (got \(workers))") }
        var plans: [ScenarioPlan] = []
        var idBase = 0
        for name in options.scenarios.keys.sorted() {
            let scenario = options.scenarios[name]!
            if !isValidName(name) {
                problems.append("scenario name '\(name)' may only hold letters, digits, '_', '-' and '.'")
            }
            let scenarioProblems = scenario.validate()
            problems += scenarioProblems.map { "scenario '\(name)': \($0)" }
            guard scenarioProblems.isEmpty, workers >= 1 else { continue }
            let maxVUs = scenario.executor.maxVUs
            if segment.count(maxVUs) == 0 {
                problems.append("scenario '\(name)': segment \(segment) gets none of its \(maxVUs) VU\(maxVUs == 1 ? "" : "s"); give it at least one VU per segment")
                continue
            }
            var shared: SharedIterationCounter?
            if case .sharedIterations(let c) = scenario.executor { shared = SharedIterationCounter(total: segment.count(c.iterations)) }
            plans.append(ScenarioPlan(
                name: name, scenario: scenario,
                startOffset: scenario.startTime.nanoseconds,
                activeDuration: scenario.executor.activeDuration.nanoseconds,
                gracefulStop: scenario.gracefulStop.nanoseconds,
                participants: max(1, min(workers, segment.count(maxVUs))),
                idBase: idBase, sharedIterations: shared, segment: segment))
            idBase += maxVUs
        }
        if !problems.isEmpty { throw ConfigurationError(problems) }
        return ExecutionPlan(workerCount: workers, scenarios: plans, segment: segment)
    }

    static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
                || $0 == "_" || $0 == "-" || $0 == "."
        }
    }
}
