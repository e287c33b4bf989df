/// The coordinator's side of the 1 Hz hand-off: merges worker snapshots into run totals and into
/// one time-series point per second.
///
/// A point is complete when every worker still running has reported its interval; workers that
/// finished early count as reported. Late snapshots still land in their own interval.
final class Aggregator {
    let workerCount: Int
    let testStart: UInt64
    /// Everything recorded so far.
    let totals = Recorder()
    private(set) var points: [TimeSeriesPoint] = []
    private var pending: [Int: PendingInterval] = [:]
    private var lastReported: [Int]
    private(set) var finishedWorkers = Set<Int>()
    /// Highest VU count seen per scenario is not tracked per scenario on the hot path; this is the
    /// sum over workers of their allocated VUs at their last report.
    private var allocatedByWorker: [Int]
    private var activeByWorker: [Int]

    private final class PendingInterval {
        let recorder = Recorder()
        var end: UInt64 = 0
        var scenarioVUs: [String: Int] = [:]
    }

    init(workerCount: Int, testStart: UInt64) {
        self.workerCount = workerCount
        self.testStart = testStart
        lastReported = Array(repeating: -1, count: workerCount)
        allocatedByWorker = Array(repeating: 0, count: workerCount)
        activeByWorker = Array(repeating: 0, count: workerCount)
    }

    var allFinished: Bool { finishedWorkers.count == workerCount }
    var allocatedVUs: Int { allocatedByWorker.reduce(0, +) }
    var activeVUs: Int { activeByWorker.reduce(0, +) }

    func add(_ s: WorkerSnapshot) {
        totals.merge(s.recorder)
        let p = pending[s.interval] ?? PendingInterval()
        p.recorder.merge(s.recorder)
        p.scenarioVUs.merge(s.scenarioVUs, uniquingKeysWith: +)
        p.end = max(p.end, s.isFinal ? s.taken : testStart &+ UInt64(s.interval + 1) &* 1_000_000_000)
        pending[s.interval] = p
        lastReported[s.worker] = max(lastReported[s.worker], s.interval)
        allocatedByWorker[s.worker] = s.allocatedVUs
        activeByWorker[s.worker] = s.isFinal ? 0 : s.activeIterations
        if s.isFinal { finishedWorkers.insert(s.worker) }
        closeCompleteIntervals()
    }

    /// Turns every interval all workers have reported into a point, in order.
    private func closeCompleteIntervals() {
        while let next = pending.keys.min() {
            let complete = (0..<workerCount).allSatisfy { finishedWorkers.contains($0) || lastReported[$0] >= next }
            guard complete, let p = pending.removeValue(forKey: next) else { return }
            points.append(point(interval: next, p))
        }
    }

    private func point(interval: Int, _ p: PendingInterval) -> TimeSeriesPoint {
        let begin = testStart &+ UInt64(interval) &* 1_000_000_000
        let seconds = max(0.001, Double(p.end &- begin) / 1e9)
        let all = p.recorder.allRequests()
        let d = all.duration
        let overall = HistogramSummary(d, percentiles: [50, 90, 95, 99]).values.map { Double($0) / 1000 }
        var byName: [String: NamePoint] = [:]
        for (name, m) in p.recorder.requests(groupedBy: \.displayName) {
            let h = m.duration
            let v = HistogramSummary(h, percentiles: [50, 95, 99]).values.map { Double($0) / 1000 }
            byName[name] = NamePoint(requests: m.requests, failures: m.failures,
                                     p50: v[0], p95: v[1], p99: v[2], max: Double(h.maxRecorded) / 1000)
        }
        var byScenario: [String: ScenarioPoint] = [:]
        for (name, m) in p.recorder.requests(groupedBy: \.scenario) {
            byScenario[name, default: ScenarioPoint()].requests = m.requests
            byScenario[name, default: ScenarioPoint()].failures = m.failures
        }
        for (name, s) in p.recorder.scenarios {
            byScenario[name, default: ScenarioPoint()].iterations = s.completed + s.failed
            byScenario[name, default: ScenarioPoint()].droppedIterations = s.dropped
        }
        for (name, n) in p.scenarioVUs { byScenario[name, default: ScenarioPoint()].vus = n }
        var iterations = 0, dropped = 0
        for s in p.recorder.scenarios.values {
            iterations += s.completed + s.failed
            dropped += s.dropped
        }
        return TimeSeriesPoint(
            t: Double(interval) + seconds, seconds: seconds,
            requests: all.requests, failures: all.failures, rps: Double(all.requests) / seconds,
            p50: overall[0], p90: overall[1], p95: overall[2], p99: overall[3],
            max: d.totalCount > 0 ? Double(d.maxRecorded) / 1000 : 0,
            iterations: iterations, droppedIterations: dropped,
            activeVUs: activeVUs, vus: allocatedVUs,
            bytesReceived: all.bytesReceived, bytesSent: all.bytesSent, byName: byName, byScenario: byScenario)
    }

    /// Closes whatever is still pending (the run ended without some worker's report).
    func flush() {
        for interval in pending.keys.sorted() {
            if let p = pending.removeValue(forKey: interval) { points.append(point(interval: interval, p)) }
        }
    }
}
