/// One measured rate of a sweep: the windows run at it and the verdict on the stable ones.
public struct SweepStep: Codable, Sendable {
    /// Offered arrivals per second (a concurrency sweep: the achieved rate).
    public var rate: Double
    /// A concurrency sweep (closed model): the VUs of this step; nil in a rate sweep.
    public var vus: Int?
    /// Completed iterations per second, averaged over the judged windows.
    public var achievedRate: Double
    /// The last window's latency (ms) and error rate; the windows agreed within the tolerance
    /// unless `stable` is false.
    public var p50: Double
    public var p95: Double
    public var p99: Double
    public var errorRate: Double
    public var droppedIterations: Int
    /// Every SLO held in every judged window, the generator did not limit it, and the target
    /// kept up (achieved ≥ 90 % of offered).
    public var passed: Bool
    /// Why not, one line each (an SLO, saturation, a tainted window).
    public var reasons: [String]
    /// The generator, not the target, limited the step (a busy worker, late starts): it says
    /// nothing about the target, so it counts neither as a pass nor as a failure.
    public var discarded: Bool = false
    /// Windows run, and whether the last three agreed within the tolerance before the cap.
    public var windows: Int
    public var stable: Bool
    /// The last window's whole result (an ordinary result: report and compare take it).
    public var result: RunResult
}

/// A whole sweep: what it looked for, every step in the order run, and the answer.
public struct SweepResult: Codable, Sendable {
    public var script: String
    public var slos: [String]
    /// "rate" (open model, arrival rates) or "concurrency" (closed model, VU counts).
    public var mode: String
    /// The highest rate (or VU count) that met every SLO; nil when even the lowest did not.
    public var highestPassingRate: Double?
    /// The lowest that did not (the knee lies between the two).
    public var lowestFailingRate: Double?
    /// Where the sweep stopped because the generator limited the step (the highest passing
    /// value is then a lower bound); nil when it never did.
    public var generatorLimitedAt: Double?
    public var steps: [SweepStep]
    /// "SIGINT" or "SIGTERM" when a signal cut the sweep short: the steps are those finished
    /// (the window under way is left out), and the answer covers only them.
    public var interruptedBy: String?
    /// 0 when a rate met the SLOs, 99 when none did; 130 (SIGINT) or 143 (SIGTERM) when cut short.
    public var exitCode: Int

    public init(script: String, slos: [String], mode: String = "rate", highestPassingRate: Double?, lowestFailingRate: Double?,
                steps: [SweepStep], exitCode: Int) {
        self.mode = mode
        self.script = script
        self.slos = slos
        self.highestPassingRate = highestPassingRate
        self.lowestFailingRate = lowestFailingRate
        self.steps = steps
        self.exitCode = exitCode
    }

    /// The step that gave `highestPassingRate` (the last one run at that rate or VU count).
    public var highestPassingStep: SweepStep? {
        guard let best = highestPassingRate else { return nil }
        return steps.last { mode == "concurrency" ? $0.vus == Int(best) : $0.rate == best }
    }
}
