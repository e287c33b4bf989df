/// Open model on one worker (constant or ramping arrival rate): starts an iteration at each of
/// its scheduled arrivals on a free VU, adds VUs up to its share of `maxVUs` when none is free,
/// and counts the rest as dropped.
final class ArrivalRateRunner: ScenarioRunner, DeadlineSource, @unchecked Sendable {
    private var schedule: ArrivalSchedule?
    private var maxVUsHere = 0
    /// VUs not running an iteration (including ones whose task has not asked for work yet).
    private var idle = 0
    /// Idle VUs suspended in `waitForIteration`, most recently idle last.
    private var waiting: [UnsafeContinuation<IterationStart?, Never>] = []
    /// Arrivals handed to idle VUs that have not asked for work yet.
    private var backlog: [UInt64] = []
    private var backlogHead = 0

    override func begin(now: UInt64) {
        let curve: ArrivalCurve, preAllocated: Int, maxVUs: Int
        switch plan.scenario.executor {
        case .constantArrivalRate(let c): (curve, preAllocated, maxVUs) = (c.curve, c.preAllocatedVUs, c.maxVUs)
        case .rampingArrivalRate(let c): (curve, preAllocated, maxVUs) = (c.curve, c.preAllocatedVUs, c.maxVUs)
        default: return
        }
        let w = context.index
        maxVUsHere = plan.share(maxVUs, worker: w)
        schedule = ArrivalSchedule(start: now, curve: curve, worker: w, participants: plan.participants, segment: plan.segment)
        for k in 0..<plan.share(preAllocated, worker: w) {
            idle += 1
            spawn(makeVU(index: k), first: nil)
        }
        context.loop.addDeadlineSource(self)
    }

    override var currentVUs: Int { vus.count - idle }

    var nextDeadline: UInt64? { stopping ? nil : schedule?.nextDeadline }

    override var hasPendingWork: Bool { !stopping && !(schedule?.isExhausted ?? true) }

    func fire(now: UInt64) {
        guard !stopping, schedule != nil else { return }
        while let instant = schedule!.popDue(now: now) { dispatch(scheduled: instant) }
        if schedule!.isExhausted {
            releaseWaiting()
            checkFinished()
        }
    }

    private func dispatch(scheduled: UInt64) {
        if idle > 0 {
            idle -= 1
            if let c = waiting.popLast() {
                c.resume(returning: IterationStart(scheduled: scheduled))
            } else {
                backlog.append(scheduled)
            }
        } else if vus.count < maxVUsHere {
            spawn(makeVU(index: vus.count), first: IterationStart(scheduled: scheduled))
        } else {
            context.recorder.scenario(plan.name).dropped += 1
        }
    }

    override func iterationEnded(_ vu: VU) {
        idle += 1
    }

    override func nextIterationNow(for vu: VU) -> NextIteration {
        if backlogHead < backlog.count {
            let s = backlog[backlogHead]
            backlogHead += 1
            if backlogHead == backlog.count { backlog.removeAll(keepingCapacity: true); backlogHead = 0 }
            return vu.isInterrupted ? .exit : .start(IterationStart(scheduled: s))
        }
        if stopping || vu.isInterrupted || (schedule?.isExhausted ?? true) { return .exit }
        return .wait
    }

    nonisolated(nonsending) override func waitForIteration(for vu: VU) async -> IterationStart? {
        // Already on the worker: no switch before suspending (see HTTP1Connection.exchange).
        await _unsafeInheritExecutor_withUnsafeContinuation { waiting.append($0) }
    }

    override func endActivePhase() {
        super.endActivePhase()
        releaseWaiting()
    }

    private func releaseWaiting() {
        let all = waiting
        waiting.removeAll()
        for c in all { c.resume(returning: nil) }
    }
}
