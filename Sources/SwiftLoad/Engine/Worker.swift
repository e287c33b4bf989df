import Foundation

/// One OS thread with its own event loop, libcurl multi handle, VUs and recorder. Workers share
/// nothing on the hot path; they post a snapshot of their metrics once a second.
final class Worker: DeadlineSource, @unchecked Sendable {
    // @unchecked: after `start`, everything here is touched only on the worker's thread, except
    // `loop.execute`, which is thread-safe.
    let index: Int
    let loop: EventLoop
    let executor: LoopExecutor
    let context: WorkerContext
    private let plan: ExecutionPlan
    private let script: nonisolated(nonsending) @Sendable (VU) async throws -> Void
    let hooks: TestHooks
    let setupData: SetupData
    private let testStart: UInt64
    let mailbox: SnapshotMailbox
    private var runners: [ScenarioRunner] = []
    private var interval = 0
    private var stopped = false
    /// The thread's CPU time and the clock at the previous snapshot.
    private var lastCPU: UInt64 = 0
    private var lastTaken: UInt64 = 0

    init(index: Int, plan: ExecutionPlan, settings: HTTPSettings, env: Environment, testStart: UInt64,
         mailbox: SnapshotMailbox, names: RequestNameCap, hooks: TestHooks = TestHooks(), setupData: SetupData = SetupData(nil),
         script: nonisolated(nonsending) @escaping @Sendable (VU) async throws -> Void) {
        self.index = index
        self.plan = plan
        self.script = script
        self.hooks = hooks
        self.setupData = setupData
        self.testStart = testStart
        self.mailbox = mailbox
        loop = EventLoop()
        executor = LoopExecutor(loop: loop)
        context = WorkerContext(index: index, loop: loop, http: settings, env: env, names: names)
    }

    /// Starts the worker's thread; it ends after posting its final snapshot.
    func start() {
        let thread = Thread { [self] in main() }
        thread.name = "swiftload-worker-\(index)"
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// Interrupts every scenario now (Ctrl-C): in-flight requests are cancelled and counted as
    /// interrupted. Safe from any thread.
    func interruptFromOutside() {
        loop.execute { [self] in
            for runner in runners where runner.started { runner.interruptAll() }
            // Scenarios that have not started yet never will.
            stopped = true
            runnerFinished()
        }
    }

    private func main() {
        lastCPU = Self.threadCPU()
        lastTaken = MonotonicClock.now()
        loop.addDeadlineSource(self)
        for scenario in plan.scenarios where index < scenario.participants {
            let runner: ScenarioRunner
            // Not `exec ?? script`: `??` is generic and would wrap the closure in thunks.
            let iteration: nonisolated(nonsending) @Sendable (VU) async throws -> Void
            if let own = scenario.scenario.ownIteration { iteration = own.body } else { iteration = script }
            switch scenario.scenario.executor {
            case .constantVUs, .sharedIterations, .perVUIterations:
                runner = ConstantVUsRunner(plan: scenario, worker: self, script: iteration)
            case .rampingVUs:
                runner = RampingVUsRunner(plan: scenario, worker: self, script: iteration)
            case .constantArrivalRate, .rampingArrivalRate:
                runner = ArrivalRateRunner(plan: scenario, worker: self, script: iteration)
            }
            runners.append(runner)
            loop.schedule(at: testStart &+ scenario.startOffset) { [self] in
                if !stopped { runner.start(now: MonotonicClock.now()) }
            }
        }
        if runners.isEmpty { loop.stop() }
        loop.run()
        for runner in runners {
            for vu in runner.vus { vu.close() }
        }
        mailbox.post(snapshot(final: true))
        // After the snapshot, which reads the HTTP/2 client's counts.
        context.closeSharedConnections()
        loop.dropRegistrations()
    }

    /// Called by a runner whose VUs have all exited; stops the loop once every runner is done.
    func runnerFinished() {
        if runners.allSatisfy({ $0.isFinished || (stopped && !$0.started) }) { loop.stop() }
    }

    private func snapshot(final: Bool) -> WorkerSnapshot {
        context.collectTransportCounts()
        let now = MonotonicClock.now(), cpu = Self.threadCPU()
        var s = WorkerSnapshot(worker: index, interval: interval, recorder: context.recorder,
                               activeIterations: context.activeIterations, allocatedVUs: context.allocatedVUs,
                               scenarioVUs: final ? [:] : Dictionary(runners.filter(\.started).map { ($0.plan.name, $0.currentVUs) },
                                                                       uniquingKeysWith: +),
                               isFinal: final, taken: now)
        s.cpuNanoseconds = cpu &- lastCPU
        s.wallNanoseconds = now &- lastTaken
        (lastCPU, lastTaken) = (cpu, now)
        context.recorder = Recorder()
        return s
    }

    /// CPU time (user + system) of the calling thread, in nanoseconds.
    static func threadCPU() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }

    // MARK: the 1 Hz tick

    var nextDeadline: UInt64? { testStart &+ UInt64(interval + 1) &* 1_000_000_000 }

    func fire(now: UInt64) {
        mailbox.post(snapshot(final: false))
        interval += 1
    }
}
