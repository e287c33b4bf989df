/// Closed model on one worker: its share of the VUs loop until the active phase ends or the
/// shared iterations run out.
final class ConstantVUsRunner: ScenarioRunner, @unchecked Sendable {
    override func begin(now: UInt64) {
        guard case .constantVUs(let config) = plan.scenario.executor else { return }
        for k in 0..<plan.share(config.vus, worker: context.index) {
            spawn(makeVU(index: k), first: nil)
        }
    }

    nonisolated(nonsending) override func nextIteration(for vu: VU) async -> IterationStart? {
        if stopping || vu.isInterrupted { return nil }
        if let shared = plan.sharedIterations, !shared.claim() { return nil }
        return IterationStart(scheduled: nil)
    }
}
