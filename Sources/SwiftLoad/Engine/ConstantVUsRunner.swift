/// The closed models with a fixed VU count, on one worker: constant-vus (loop until the active
/// phase ends), shared-iterations (take iterations from a counter shared by every worker) and
/// per-vu-iterations (each VU runs its own count).
final class ConstantVUsRunner: ScenarioRunner, @unchecked Sendable {
    /// Iterations each VU runs in per-vu-iterations; nil otherwise.
    private var perVU: Int?

    override func begin(now: UInt64) {
        let vus: Int
        switch plan.scenario.executor {
        case .constantVUs(let c): vus = c.vus
        case .sharedIterations(let c): vus = c.vus
        case .perVUIterations(let c):
            vus = c.vus
            perVU = c.iterations
        default: return
        }
        for k in 0..<plan.share(vus, worker: context.index) {
            spawn(makeVU(index: k), first: nil)
        }
    }

    override func nextIterationNow(for vu: VU) -> NextIteration {
        if stopping || vu.isInterrupted { return .exit }
        // `vu.iteration` is the number of the iteration that just ended (-1 before the first).
        if let perVU, vu.iteration + 1 >= perVU { return .exit }
        if let shared = plan.sharedIterations, !shared.claim() { return .exit }
        return .start(IterationStart(scheduled: nil))
    }
}
