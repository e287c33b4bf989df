/// Closed model with a VU count that follows stages, on one worker. VU number i of the scenario
/// is active while the count is above i; worker w owns the VUs whose i ≡ w (mod participants), so
/// the workers' counts add up to the scenario's. A VU removed by a ramp-down finishes its
/// iteration (interrupted after `gracefulRampDown`) and waits, parked, in case the count rises
/// again.
final class RampingVUsRunner: ScenarioRunner, DeadlineSource, @unchecked Sendable {
    private enum State { case active, retiring, parked }

    private var changes: [RampSchedule.Change] = []
    private var nextChange = 0
    private var startInstant: UInt64 = 0
    private var gracefulRampDown: UInt64 = 0
    /// The worker's VUs in activation order (the last activated retires first).
    private var order: [VU] = []
    private var state: [ObjectIdentifier: State] = [:]
    private var parked: [ObjectIdentifier: UnsafeContinuation<IterationStart?, Never>] = [:]
    private var retireToken: [ObjectIdentifier: Int] = [:]
    private var activeCount = 0

    override func begin(now: UInt64) {
        guard case .rampingVUs(let config) = plan.scenario.executor else { return }
        startInstant = now
        gracefulRampDown = config.gracefulRampDown.nanoseconds
        changes = RampSchedule.changes(startVUs: config.startVUs, stages: config.stages)
        context.loop.addDeadlineSource(self)
        fire(now: now)
    }

    /// VUs the ramp currently wants running (not those finishing after a ramp-down).
    override var currentVUs: Int { stopping ? 0 : activeCount }

    /// The ramp still has changes ahead even when no VU runs (a ramp up from zero).
    override var hasPendingWork: Bool { !stopping && nextChange < changes.count }

    var nextDeadline: UInt64? {
        guard !stopping, nextChange < changes.count else { return nil }
        return startInstant &+ changes[nextChange].offset
    }

    func fire(now: UInt64) {
        var target: Int?
        while nextChange < changes.count, startInstant &+ changes[nextChange].offset <= now {
            target = changes[nextChange].target
            nextChange += 1
        }
        if let target { apply(plan.share(target, worker: context.index), now: now) }
        checkFinished()
    }

    private func apply(_ local: Int, now: UInt64) {
        while activeCount < local { activate() }
        while activeCount > local { retire(now: now) }
    }

    private func activate() {
        activeCount += 1
        // A VU still finishing its iteration after a ramp-down simply carries on.
        if let vu = order.first(where: { state[ObjectIdentifier($0)] == .retiring }) {
            state[ObjectIdentifier(vu)] = .active
            retireToken[ObjectIdentifier(vu), default: 0] += 1
            return
        }
        if let vu = order.first(where: { state[ObjectIdentifier($0)] == .parked }) {
            let id = ObjectIdentifier(vu)
            state[id] = .active
            order.removeAll { $0 === vu }
            order.append(vu)
            parked.removeValue(forKey: id)?.resume(returning: IterationStart(scheduled: nil))
            return
        }
        let vu = makeVU(index: vus.count)
        order.append(vu)
        state[ObjectIdentifier(vu)] = .active
        spawn(vu, first: nil)
    }

    private func retire(now: UInt64) {
        guard let vu = order.last(where: { state[ObjectIdentifier($0)] == .active }) else { return }
        activeCount -= 1
        let id = ObjectIdentifier(vu)
        state[id] = .retiring
        retireToken[id, default: 0] += 1
        let token = retireToken[id]!
        // Still in its iteration after the grace period: interrupt that iteration.
        context.loop.schedule(at: now &+ gracefulRampDown) { [self] in
            if state[id] == .retiring, retireToken[id] == token { vu.interrupt() }
        }
    }

    override func nextIterationNow(for vu: VU) -> NextIteration {
        if stopping { return .exit }
        guard state[ObjectIdentifier(vu)] == .retiring else { return .start(IterationStart(scheduled: nil)) }
        return .wait
    }

    nonisolated(nonsending) override func waitForIteration(for vu: VU) async -> IterationStart? {
        let id = ObjectIdentifier(vu)
        state[id] = .parked
        return await withUnsafeContinuation { parked[id] = $0 }
    }

    override func endActivePhase() {
        super.endActivePhase()
        let waiting = parked
        parked.removeAll()
        for c in waiting.values { c.resume(returning: nil) }
    }
}
