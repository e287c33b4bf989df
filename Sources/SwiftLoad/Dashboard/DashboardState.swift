import Foundation
import Synchronization

/// What the live dashboard shows, updated by the run's coordinator once a second and read by
/// the dashboard's server: the last ten minutes of one-second points, the totals so far, the
/// live threshold verdicts, the latest scraped server series, and at the end the result.
final class DashboardState: Sendable {
    struct Snapshot: Encodable {
        var status = "starting"
        var script: String?
        var plannedSeconds = 0.0
        var elapsedSeconds = 0.0
        var requests = 0
        var failures = 0
        var iterations = 0
        var droppedIterations = 0
        /// `[t, requests/s, p50, p95, p99, errors/s, active VUs]` per second (ms for latencies).
        var points: [[Double]] = []
        var thresholds: [ThresholdOutcome] = []
        var server: [String: Double] = [:]
        var llm: LLMPoint?
        /// Set when the run has ended: the result's own numbers.
        var final: Final?
    }

    struct Final: Encodable {
        var requests: Int
        var failures: Int
        var rps: Double
        var p50: Double
        var p95: Double
        var p99: Double
        var max: Double
        var exitCode: Int
        var verdict: String
    }

    /// Seconds of points kept (the page draws the last ten minutes).
    static let keptPoints = 600

    private let snapshot: Mutex<Snapshot>
    private let report = Mutex<String?>(nil)
    /// When a page last asked, and whether it has taken the final report.
    private let polls = Mutex<(last: Date?, tookReport: Bool)>((nil, false))

    init(script: String?) {
        var s = Snapshot()
        s.script = script.map { URL(fileURLWithPath: $0).lastPathComponent }
        snapshot = Mutex(s)
    }

    func started(plannedSeconds: Double) {
        snapshot.withLock { $0.status = "running"; $0.plannedSeconds = plannedSeconds }
    }

    func point(_ p: TimeSeriesPoint) {
        snapshot.withLock { s in
            s.elapsedSeconds = p.t
            s.requests += p.requests
            s.failures += p.failures
            s.iterations += p.iterations
            s.droppedIterations += p.droppedIterations
            s.points.append([p.t, p.rps, p.p50, p.p95, p.p99, Double(p.failures) / max(p.seconds, 0.001), Double(p.activeVUs)])
            if s.points.count > Self.keptPoints { s.points.removeFirst(s.points.count - Self.keptPoints) }
            if let server = p.server { s.server = server }
            if let l = p.llm { s.llm = l }
        }
    }

    func thresholds(_ outcomes: [ThresholdOutcome]) {
        snapshot.withLock { $0.thresholds = outcomes }
    }

    func finished(_ r: RunResult, reportHTML: String) {
        report.withLock { $0 = reportHTML }
        snapshot.withLock { s in
            s.status = "finished"
            s.elapsedSeconds = r.run.durationSeconds
            s.thresholds = r.thresholds
            let d = r.requests.duration
            s.final = Final(requests: r.requests.count, failures: r.requests.failures, rps: r.requests.rps, p50: d.med,
                            p95: d.p95, p99: d.p99, max: d.max, exitCode: r.exitCode, verdict: HTMLReport.verdict(r).headline)
        }
    }

    /// The state as JSON, for the page's once-a-second poll.
    func json() -> Data {
        let s = snapshot.withLock { $0 }
        polls.withLock { $0.last = Date() }
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return (try? encoder.encode(s)) ?? Data("{}".utf8)
    }

    /// The HTML report, once the run has ended (a page that takes it keeps it).
    func takeReport() -> String? {
        guard let html = report.withLock({ $0 }) else { return nil }
        polls.withLock { $0.tookReport = true }
        return html
    }

    /// Whether a page is open (it asked within the last three seconds) and has not yet taken
    /// the final report: the process waits for it before exiting.
    var pageWaitsForTheEnd: Bool {
        polls.withLock { p in
            guard let last = p.last, !p.tookReport else { return false }
            return Date().timeIntervalSince(last) < 3
        }
    }
}
