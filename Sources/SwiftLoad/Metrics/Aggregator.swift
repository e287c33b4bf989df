import CEpoll

/// The coordinator's side of the 1 Hz hand-off: merges worker snapshots into run totals and into
/// one time-series point per second.
///
/// A point is complete when every worker still running has reported its interval; workers that
/// finished early count as reported. Late snapshots still land in their own interval.
///
/// Sized for many names: the run totals are the only lasting copy of each series; an open interval
/// holds on to the workers' own snapshots (no copy) until it closes, and only then merges the
/// busiest names' latency for the point; the "all requests" totals are
/// kept running rather than merged from every series each second; a point names at most
/// `namesPerPoint` request names (the busiest), so the time series grows by a bounded amount per
/// second however many names the run has.
final class Aggregator {
    let workerCount: Int
    let testStart: UInt64
    /// Everything recorded so far.
    let totals = Recorder()
    /// All series together, kept running (the progress line and the "all" row read it).
    let allRequests = RequestMetrics()
    /// The time series so far, bounded by `TimeSeriesCoarsening.maxPoints`.
    private(set) var points: [TimeSeriesPoint] = []
    /// Points closed so far (it only grows, whatever coarsening did to `points`).
    private(set) var closedPoints = 0
    /// The newest closed point, at one-second resolution.
    private(set) var latest: TimeSeriesPoint?
    /// Points closed since the last `takeNewPoints()`, at their own one-second resolution.
    private var fresh: [TimeSeriesPoint] = []
    /// With `keepsIntervalHistograms` (an HdrHistogram interval log is written): each fresh
    /// point's request durations, all names together.
    var keepsIntervalHistograms = false
    private var freshHistograms: [LatencyHistogram] = []
    private var pending: [Int: PendingInterval] = [:]
    private var lastReported: [Int]
    private(set) var finishedWorkers = Set<Int>()
    /// The sum over workers of their allocated and active VUs at their last report.
    private var allocatedByWorker: [Int]
    private var activeByWorker: [Int]

    /// Scraped server series (`--scrape`): each point takes the values scraped during it.
    var server: ServerMetricsStore?

    /// How busy each worker's thread was, for `GeneratorCheck`.
    private(set) var busy = GeneratorCheck.Busy()

    /// Request names a time-series point breaks out (the busiest of that second).
    static let namesPerPoint = 20

    private final class PendingInterval {
        var end: UInt64 = 0
        var scenarioVUs: [String: Int] = [:]
        var requests = 0, failures = 0, bytesReceived = 0, bytesSent = 0
        var duration = LatencyHistogram.latency()
        /// The workers' snapshots of this interval, kept until it closes.
        var recorders: [Recorder] = []
        var byScenario: [String: ScenarioPoint] = [:]
        var iterations = 0, dropped = 0
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
        busy.add(worker: s.worker, cpu: s.cpuNanoseconds, wall: s.wallNanoseconds)
        totals.merge(s.recorder)
        let p = pending[s.interval] ?? PendingInterval()
        for (key, m) in s.recorder.requests {
            allRequests.merge(m)
            p.requests += m.requests
            p.failures += m.failures
            p.bytesReceived += m.bytesReceived
            p.bytesSent += m.bytesSent
            p.duration.merge(m.duration)
            p.byScenario[key.scenario, default: ScenarioPoint()].requests += m.requests
            p.byScenario[key.scenario, default: ScenarioPoint()].failures += m.failures
        }
        for (name, sc) in s.recorder.scenarios {
            p.byScenario[name, default: ScenarioPoint()].iterations += sc.completed + sc.failed
            p.byScenario[name, default: ScenarioPoint()].droppedIterations += sc.dropped
            p.iterations += sc.completed + sc.failed
            p.dropped += sc.dropped
        }
        p.recorders.append(s.recorder)
        p.scenarioVUs.merge(s.scenarioVUs, uniquingKeysWith: +)
        p.end = max(p.end, s.isFinal ? s.taken : testStart &+ UInt64(s.interval + 1) &* 1_000_000_000)
        pending[s.interval] = p
        lastReported[s.worker] = max(lastReported[s.worker], s.interval)
        allocatedByWorker[s.worker] = s.allocatedVUs
        activeByWorker[s.worker] = s.isFinal ? 0 : s.activeIterations
        if s.isFinal { finishedWorkers.insert(s.worker) }
        closeCompleteIntervals()
    }

    /// Adds what a phase outside the load (setup, teardown) recorded to the run totals.
    func addPhase(_ r: Recorder) {
        totals.merge(r)
        for m in r.requests.values { allRequests.merge(m) }
    }

    /// Turns every interval all workers have reported into a point, in order.
    private func closeCompleteIntervals() {
        var closed = false
        defer {
            // The closed intervals' worker snapshots were just freed: with many names that is
            // thousands of histograms a second, and glibc keeps freed pages in its arenas unless
            // asked to hand them back (peak RSS with 1,000 names fell from ~195 MB, see
            // docs/benchmarks.md). Once a second, on the coordinator, off the workers' path.
            if closed { sl_malloc_trim() }
        }
        while let next = pending.keys.min() {
            let complete = (0..<workerCount).allSatisfy { finishedWorkers.contains($0) || lastReported[$0] >= next }
            guard complete, let p = pending.removeValue(forKey: next) else { return }
            append(point(interval: next, p), p.duration)
            closed = true
        }
    }

    private func point(interval: Int, _ p: PendingInterval) -> TimeSeriesPoint {
        let begin = testStart &+ UInt64(interval) &* 1_000_000_000
        let seconds = max(0.001, Double(p.end &- begin) / 1e9)
        let d = p.duration
        let overall = HistogramSummary(d, percentiles: [50, 90, 95, 99]).values.map { Double($0) / 1000 }
        // Per name: counts first, then latency for the busiest names only.
        var counts: [String: (requests: Int, failures: Int)] = [:]
        for r in p.recorders {
            for (key, m) in r.requests {
                let c = counts[key.displayName] ?? (0, 0)
                counts[key.displayName] = (c.requests + m.requests, c.failures + m.failures)
            }
        }
        let busiest = counts.count <= Self.namesPerPoint ? Set(counts.keys)
            : Set(counts.sorted { ($0.value.requests, $1.key) > ($1.value.requests, $0.key) }.prefix(Self.namesPerPoint).map(\.key))
        var latency: [String: LatencyHistogram] = [:]
        for r in p.recorders {
            for (key, m) in r.requests where busiest.contains(key.displayName) {
                if latency[key.displayName] == nil { latency[key.displayName] = m.duration } else { latency[key.displayName]!.merge(m.duration) }
            }
        }
        var byName: [String: NamePoint] = [:]
        for (name, h) in latency {
            let c = counts[name]!
            let v = HistogramSummary(h, percentiles: [50, 95, 99]).values.map { Double($0) / 1000 }
            byName[name] = NamePoint(requests: c.requests, failures: c.failures,
                                     p50: v[0], p95: v[1], p99: v[2], max: Double(h.maxRecorded) / 1000)
        }
        var byScenario = p.byScenario
        for (name, n) in p.scenarioVUs { byScenario[name, default: ScenarioPoint()].vus = n }
        var point = TimeSeriesPoint(
            t: Double(interval) + seconds, seconds: seconds,
            requests: p.requests, failures: p.failures, rps: Double(p.requests) / seconds,
            p50: overall[0], p90: overall[1], p95: overall[2], p99: overall[3],
            max: d.totalCount > 0 ? Double(d.maxRecorded) / 1000 : 0,
            iterations: p.iterations, droppedIterations: p.dropped,
            activeVUs: activeVUs, vus: allocatedVUs,
            bytesReceived: p.bytesReceived, bytesSent: p.bytesSent, byName: byName, byScenario: byScenario)
        point.server = server?.take(interval: interval)
        point.llm = Self.llmPoint(p.recorders)
        return point
    }

    /// The LLM calls of one interval, all names together; nil when there were none.
    static func llmPoint(_ recorders: [Recorder]) -> LLMPoint? {
        var calls = 0, tokens = 0, good = 0
        var ttft = LatencyHistogram.latency(), itl = LatencyHistogram.latency()
        for r in recorders {
            for m in r.requests.values {
                guard let s = m.stream, s.llmCalls > 0 else { continue }
                calls += s.llmCalls
                tokens += s.outputTokens
                good += s.goodCalls
                if let h = s.histogram(.ttft) { ttft.merge(h) }
                if let h = s.histogram(.itl) { itl.merge(h) }
            }
        }
        guard calls > 0 else { return nil }
        func ms(_ h: LatencyHistogram, _ p: Double) -> Double { h.totalCount > 0 ? Double(h.valueAtPercentile(p)) / 1000 : 0 }
        return LLMPoint(calls: calls, outputTokens: tokens, goodCalls: good, ttftP50: ms(ttft, 50), ttftP99: ms(ttft, 99),
                        itlP50: ms(itl, 50), itlP99: ms(itl, 99))
    }

    private func append(_ p: TimeSeriesPoint, _ duration: LatencyHistogram) {
        points.append(p)
        fresh.append(p)
        if keepsIntervalHistograms { freshHistograms.append(duration) }
        latest = p
        closedPoints += 1
        if points.count > TimeSeriesCoarsening.maxPoints { points = TimeSeriesCoarsening.halve(points) }
    }

    /// The points closed since the last call (for streams, live thresholds and progress), each
    /// with its request-duration histogram when `keepsIntervalHistograms`.
    func takeNewPoints() -> [(point: TimeSeriesPoint, histogram: LatencyHistogram?)] {
        defer {
            fresh.removeAll(keepingCapacity: true)
            freshHistograms.removeAll(keepingCapacity: true)
        }
        return fresh.enumerated().map { i, p in (p, i < freshHistograms.count ? freshHistograms[i] : nil) }
    }

    /// Closes whatever is still pending (the run ended without some worker's report).
    func flush() {
        for interval in pending.keys.sorted() {
            if let p = pending.removeValue(forKey: interval) { append(point(interval: interval, p), p.duration) }
        }
    }
}
