import Synchronization
/// One worker's metrics for one interval.
///
/// Only the worker's thread touches a recorder until the 1 Hz tick hands it to the aggregator and
/// the worker starts a fresh one, so there are no locks on the hot path. The aggregator reuses the
/// same type, with `merge`, for run totals.
final class Recorder {
    /// Unique for the life of the process. Caches of "this interval's metrics" compare it, not
    /// the object's address: a freed recorder's address can come back as the next interval's.
    let serial = Recorder.nextSerial.add(1, ordering: .relaxed).newValue
    private static let nextSerial = Atomic<UInt64>(0)
    var requests: [SeriesKey: RequestMetrics] = [:]
    var checks: [CheckKey: CheckTally] = [:]
    var scenarios: [String: ScenarioMetrics] = [:]
    /// Group durations (`group_duration`), per group path and scenario.
    var groups: [GroupKey: LatencyHistogram] = [:]
    /// Requests cancelled by a stop (graceful stop ran out, Ctrl-C): neither successes nor errors.
    var interruptedRequests = 0
    /// HTTP/2 GOAWAY frames received.
    var goaways = 0
    /// HTTP/2 streams the server refused (REFUSED_STREAM, or beyond a GOAWAY) and that were sent again.
    var refusedStreams = 0
    /// Where requests went (`scheme://host:port`), noted when a VU's target changes.
    var targets: Set<String> = []

    /// The metrics for a series, created on first use.
    @inline(__always)
    func request(_ key: SeriesKey) -> RequestMetrics {
        if let m = requests[key] { return m }
        let m = RequestMetrics()
        requests[key] = m
        return m
    }

    func scenario(_ name: String) -> ScenarioMetrics {
        if let m = scenarios[name] { return m }
        let m = ScenarioMetrics()
        scenarios[name] = m
        return m
    }

    func recordCheck(_ key: CheckKey, passed: Bool) {
        if passed { checks[key, default: CheckTally()].passes += 1 }
        else { checks[key, default: CheckTally()].fails += 1 }
    }

    func recordGroup(_ key: GroupKey, nanoseconds: UInt64) {
        if groups[key] == nil { groups[key] = LatencyHistogram.latency() }
        groups[key]!.recordNanoseconds(nanoseconds)
    }

    func merge(_ o: Recorder) {
        for (key, m) in o.requests { request(key).merge(m) }
        for (key, c) in o.checks {
            checks[key, default: CheckTally()].passes += c.passes
            checks[key, default: CheckTally()].fails += c.fails
        }
        for (key, h) in o.groups {
            if groups[key] == nil { groups[key] = LatencyHistogram.latency() }
            groups[key]!.merge(h)
        }
        for (name, s) in o.scenarios { scenario(name).merge(s) }
        interruptedRequests += o.interruptedRequests
        goaways += o.goaways
        targets.formUnion(o.targets)
        refusedStreams += o.refusedStreams
    }

    /// All series merged into one set of metrics (the "all" row).
    func allRequests() -> RequestMetrics {
        let total = RequestMetrics()
        for m in requests.values { total.merge(m) }
        return total
    }

    /// The series merged by `by` (display name, scenario, …).
    func requests<K: Hashable>(groupedBy by: (SeriesKey) -> K) -> [K: RequestMetrics] {
        var out: [K: RequestMetrics] = [:]
        for (key, m) in requests {
            let k = by(key)
            if let existing = out[k] { existing.merge(m) } else {
                let copy = RequestMetrics()
                copy.merge(m)
                out[k] = copy
            }
        }
        return out
    }

    /// The series matching `filter` (tag → value) merged into one, or nil when none matches.
    func requests(matching filter: [String: String]) -> RequestMetrics? {
        var total: RequestMetrics?
        for (key, m) in requests where filter.allSatisfy({ key.value(of: $0.key) == $0.value }) {
            if total == nil { total = RequestMetrics() }
            total!.merge(m)
        }
        return total
    }
}

/// Passes and failures of one named check.
public struct CheckTally: Codable, Sendable, Equatable {
    public var passes = 0
    public var fails = 0
}

/// Iteration counts and timing for one scenario.
final class ScenarioMetrics {
    /// Iterations that ran to the end without throwing.
    var completed = 0
    /// Iterations whose script threw an error (the error is tallied in `scriptErrors`).
    var failed = 0
    /// Iterations cut short by a stop.
    var interrupted = 0
    /// Open-model arrivals that found no free virtual user and no room to add one.
    var dropped = 0
    /// VUs created (VUs are never freed during a run, so the total is the most the scenario had).
    var vusAllocated = 0
    /// From the scheduled (open model) or actual (closed model) start to the end of the iteration.
    var iterationDuration = LatencyHistogram.latency()
    /// Open models: actual start − scheduled start of each iteration (`iteration_start_lag`): how
    /// late the generator was, whether for want of a free VU or a busy worker. Nil until the
    /// first open-model iteration.
    private(set) var startLag: LatencyHistogram?
    var scriptErrors: [String: ErrorTally] = [:]

    /// Distinct script error messages kept; beyond this they are tallied under one key, so a
    /// script that puts a counter in its error text cannot grow memory without bound.
    static let maxDistinctErrors = 50

    func recordScriptError(_ message: String) {
        let key = scriptErrors[message] != nil || scriptErrors.count < Self.maxDistinctErrors
            ? message : "(other script errors)"
        scriptErrors[key, default: ErrorTally(count: 0, sample: key)].count += 1
    }

    func recordStartLag(_ ns: UInt64) {
        if startLag == nil { startLag = LatencyHistogram.latency() }
        startLag!.recordNanoseconds(ns)
    }

    /// Start lags read back from a result file.
    func restoreStartLag(_ h: LatencyHistogram) {
        if startLag == nil { startLag = LatencyHistogram.latency() }
        startLag!.merge(h)
    }

    func merge(_ o: ScenarioMetrics) {
        if let l = o.startLag {
            if startLag == nil { startLag = LatencyHistogram.latency() }
            startLag!.merge(l)
        }
        completed += o.completed
        failed += o.failed
        interrupted += o.interrupted
        dropped += o.dropped
        vusAllocated += o.vusAllocated
        iterationDuration.merge(o.iterationDuration)
        for (k, v) in o.scriptErrors {
            if scriptErrors[k] != nil || scriptErrors.count < Self.maxDistinctErrors {
                scriptErrors[k, default: ErrorTally(count: 0, sample: k)].merge(v)
            } else {
                scriptErrors["(other script errors)", default: ErrorTally(count: 0, sample: "(other script errors)")].count += v.count
            }
        }
    }
}
