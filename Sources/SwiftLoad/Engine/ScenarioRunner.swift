/// Where an iteration is told to start: `scheduled` is the open model's planned start (latency
/// is measured from it); nil in closed models, where an iteration starts when the last ended.
struct IterationStart {
    let scheduled: UInt64?
}

/// What a runner says a VU does after an iteration, when it can say it at once.
enum NextIteration {
    case start(IterationStart)
    /// The VU exits.
    case exit
    /// The VU waits (`ScenarioRunner.waitForIteration`).
    case wait
}

/// Runs one scenario's share on one worker: creates its VUs as tasks on the worker's executor,
/// runs their iterations, and stops them when the scenario ends. Subclasses decide when
/// iterations start (`begin`, `nextIterationNow` and `waitForIteration`); one subclass per executor.
class ScenarioRunner: @unchecked Sendable {
    // @unchecked: a runner lives on its worker's thread; VU tasks capture it but run there too.
    let plan: ExecutionPlan.ScenarioPlan
    // unowned(unsafe): the worker owns its runners and runs their VUs' tasks on its own loop
    // until they end, so it outlives them; the checked form cost a retain and a release on each
    // use, several per iteration.
    unowned(unsafe) let worker: Worker
    let script: nonisolated(nonsending) @Sendable (VU) async throws -> Void
    private(set) var vus: [VU] = []
    private var liveVUs = 0
    private(set) var started = false
    /// No new iterations once set: the active phase ended or the run is stopping.
    private(set) var stopping = false

    init(plan: ExecutionPlan.ScenarioPlan, worker: Worker, script: nonisolated(nonsending) @escaping @Sendable (VU) async throws -> Void) {
        self.plan = plan
        self.worker = worker
        self.script = script
    }

    var context: WorkerContext { worker.context }
    /// Started, no VU left, and nothing more to start.
    var isFinished: Bool { started && liveVUs == 0 && !hasPendingWork }
    /// True while iterations may still be started without a VU asking (open-model arrivals).
    var hasPendingWork: Bool { false }
    /// The scenario's VUs on this worker as the time series reports them: VUs the executor has
    /// running (closed models) or VUs inside an iteration (open models).
    var currentVUs: Int { liveVUs }

    /// Tells the worker when this runner has nothing left to do.
    final func checkFinished() {
        if isFinished { worker.runnerFinished() }
    }

    /// Starts the scenario's share at `now`: its end and graceful-stop deadlines count from here.
    final func start(now: UInt64) {
        started = true
        let end = now &+ plan.activeDuration
        context.loop.schedule(at: end) { [self] in endActivePhase() }
        context.loop.schedule(at: end &+ plan.gracefulStop) { [self] in interruptAll() }
        begin(now: now)
        checkFinished()
    }

    /// Creates this worker's VUs for the scenario (subclass).
    func begin(now: UInt64) {}

    /// The next iteration for `vu` as far as it is known now (subclass). Synchronous, so a VU
    /// that goes straight on awaits nothing: a call through the class's vtable is opaque, and the
    /// executor switch after an opaque async call is ~290 instructions with a task executor
    /// preference.
    func nextIterationNow(for vu: VU) -> NextIteration { .exit }

    /// Suspends `vu` until it has a next iteration, or nil when it should exit; only called
    /// after `nextIterationNow` said `.wait` (subclass).
    nonisolated(nonsending) func waitForIteration(for vu: VU) async -> IterationStart? { nil }

    /// The next iteration for `vu`, or nil when it should exit; `endedAt` (when the previous
    /// iteration ended) is cleared if the VU had to wait for it, as it is no longer the start.
    @inline(__always)
    nonisolated(nonsending) private func nextIteration(for vu: VU, endedAt: inout UInt64?) async -> IterationStart? {
        switch nextIterationNow(for: vu) {
        case .start(let s): return s
        case .exit: return nil
        case .wait:
            endedAt = nil
            return await waitForIteration(for: vu)
        }
    }

    /// Called when a VU finished an iteration and is about to ask for the next one.
    func iterationEnded(_ vu: VU) {}

    /// Called once when the active phase ends (subclass hook; call super).
    func endActivePhase() {
        stopping = true
        checkFinished()
    }

    /// Interrupts every VU: the graceful stop ran out, or the run is being stopped now.
    final func interruptAll() {
        if !stopping { endActivePhase() }
        for vu in vus { vu.interrupt() }
    }

    /// The current interval's metrics of this scenario, looked up once per interval rather than
    /// hashed by name on every iteration.
    private var metricsSlot: (recorder: UInt64, metrics: ScenarioMetrics)?
    final func scenarioMetrics() -> ScenarioMetrics {
        let recorder = context.recorder
        if let s = metricsSlot, s.recorder == recorder.serial { return s.metrics }
        let m = recorder.scenario(plan.name)
        metricsSlot = (recorder.serial, m)
        return m
    }

    /// Creates VU number `index` of this worker's share.
    final func makeVU(index: Int) -> VU {
        let vu = VU(id: plan.vuID(worker: context.index, index: index), scenario: plan.name,
                    tags: plan.scenario.tags, context: context)
        vu.setupData = worker.setupData
        vus.append(vu)
        context.allocatedVUs += 1
        context.recorder.scenario(plan.name).vusAllocated += 1
        return vu
    }

    /// Starts `vu`'s task on the worker's executor, optionally with a first iteration.
    final func spawn(_ vu: VU, first: IterationStart?) {
        liveVUs += 1
        Task(executorPreference: worker.executor) { [self] in
            await run(vu, first: first)
        }
    }

    nonisolated(nonsending) private func run(_ vu: VU, first: IterationStart?) async {
        if let vuSetup = worker.hooks.vuSetup, await !hook(vuSetup, "vuSetup", vu) {
            // A VU whose set-up failed takes no part; its arrival (open model) is lost.
            liveVUs -= 1
            checkFinished()
            return
        }
        // When the previous iteration ended, if the next one follows without a wait: its start
        // is that instant (only this loop's bookkeeping lies between), one clock read fewer.
        var endedAt: UInt64?
        var next = first
        if next == nil { next = await nextIteration(for: vu, endedAt: &endedAt) }
        var lastTurn: UInt64 = 0, sameTurn = 0
        while let start = next {
            endedAt = await runIteration(vu, start, startingAt: endedAt)
            iterationEnded(vu)
            // An iteration that never waits (it fails at once, or only computes) would keep this
            // task on the thread forever and starve the loop's timers, sockets and stop requests:
            // after a few such iterations in one turn of the loop, step aside once.
            let turn = context.loop.turn
            if turn == lastTurn {
                sameTurn += 1
                if sameTurn >= 16 {
                    sameTurn = 0
                    endedAt = nil
                    await Task.yield()
                }
            } else {
                lastTurn = turn
                sameTurn = 0
            }
            next = await nextIteration(for: vu, endedAt: &endedAt)
        }
        if let vuTeardown = worker.hooks.vuTeardown, !vu.isInterrupted {
            _ = await hook(vuTeardown, "vuTeardown", vu)
        }
        liveVUs -= 1
        checkFinished()
    }

    /// Runs a per-VU hook; a failure is tallied as a script error of the scenario.
    nonisolated(nonsending) private func hook(_ body: @Sendable (VU) async throws -> Void, _ name: String, _ vu: VU) async -> Bool {
        do {
            try await body(vu)
            return true
        } catch {
            if !(error is Interrupted) {
                context.recorder.scenario(plan.name).recordScriptError("\(name): \(error)")
            }
            return false
        }
    }

    /// The exit code for errors that stop the whole run rather than fail one iteration.
    private static func abortExitCode(_ error: any Error) -> Int? {
        switch error {
        case is FeederExhausted, is TestAborted: return LoadRunner.ExitCode.scriptAborted
        case let e as FeederError where e.isDataUnreadable: return LoadRunner.ExitCode.usage
        case is MissingIteration: return LoadRunner.ExitCode.usage
        default: return nil
        }
    }

    /// Runs one iteration that starts at `startingAt` (read from the clock when nil); returns
    /// when it ended, or nil when it was interrupted.
    // Inlined into the loop: one async frame and one executor switch fewer per iteration.
    @inline(__always)
    nonisolated(nonsending) private func runIteration(_ vu: VU, _ start: IterationStart,
                                                      startingAt: UInt64?) async -> UInt64? {
        let ctx = context
        vu.beginIteration()
        let now = startingAt ?? MonotonicClock.now()
        let begin = start.scheduled.map { min($0, now) } ?? now
        if start.scheduled != nil {
            let lag = now &- begin
            vu.pendingStartLag = lag
            scenarioMetrics().recordStartLag(lag)
        }
        vu.iterationStart = begin
        ctx.activeIterations += 1
        var failure: String?
        var interrupted = false
        do {
            try await script(vu)
        } catch {
            // A script that catches Interrupted and throws something else was still interrupted.
            if error is Interrupted || vu.isInterrupted {
                interrupted = true
            } else {
                failure = String(describing: error)
                if let code = Self.abortExitCode(error) { worker.mailbox.requestAbort(failure!, exitCode: code) }
            }
        }
        ctx.activeIterations -= 1
        vu.pendingStartLag = nil
        let m = scenarioMetrics()
        if interrupted {
            m.interrupted += 1
            return nil
        }
        let end = MonotonicClock.now()
        m.iterationDuration.recordNanoseconds(end &- begin)
        if let failure {
            m.failed += 1
            m.recordScriptError(failure)
        } else {
            m.completed += 1
        }
        return end
    }
}
