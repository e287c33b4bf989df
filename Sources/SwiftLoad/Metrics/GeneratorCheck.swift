/// Whether the load generator, rather than the target, limited a run's measurement: the run is
/// then **tainted**, with the reasons, in the summary, the JSON and the HTML report
/// (`--strict`: exit code 97). A load tool must say when its own numbers are about itself.
///
/// The signs, each with its threshold:
/// - a worker thread busy (CPU time over wall time) at least `busyFraction` of a second, in at
///   least `busySecondsFraction` of the run's seconds (and at least two of them): its VUs waited
///   for the thread, not for the target;
/// - open models: iterations starting late against their schedule: more than
///   `lateIterationsFraction` of them (and at least `lateIterationsMinimum`) over
///   `startLagMilliseconds` of `iteration_start_lag` (the generator could not keep up with the
///   arrival rate; a few late ones while the VUs start up are not a sign);
/// - open models: iterations dropped because no VU was free and `maxVUs` were all busy;
/// - requests that waited for the client itself before going out (`http_req_blocked`: a free
///   HTTP/2 stream slot in a full connection pool, or a name lookup) over `blockedMilliseconds`:
///   more than `lateIterationsFraction` of them, and at least `lateIterationsMinimum`.
public enum GeneratorCheck {
    public static let busyFraction = 0.90
    public static let busySecondsFraction = 0.25
    public static let startLagMilliseconds = 10.0
    public static let lateIterationsFraction = 0.01
    public static let lateIterationsMinimum: UInt64 = 10
    public static let blockedMilliseconds = 10.0

    /// What a taint reason says, read back from its line (results carry the lines).
    public enum Sign: Sendable, Equatable {
        case busyWorker, lateStarts, droppedIterations, poolWait, other

        public init(reason: String) {
            if reason.hasPrefix("worker ") && reason.contains(" was busy") { self = .busyWorker }
            else if reason.contains(" iterations started over ") { self = .lateStarts }
            else if reason.contains(" iterations dropped") { self = .droppedIterations }
            else if reason.contains(" requests waited over ") { self = .poolWait }
            else { self = .other }
        }
    }

    /// Per worker: its whole seconds, and how many of them it was busy.
    struct Busy {
        private(set) var seconds: [Int: Int] = [:]
        private(set) var busySeconds: [Int: Int] = [:]
        private(set) var highest: [Int: Double] = [:]

        mutating func add(worker: Int, cpu: UInt64, wall: UInt64) {
            // Only intervals of about a second: a short last one says little.
            guard wall >= 500_000_000 else { return }
            let fraction = Double(cpu) / Double(wall)
            seconds[worker, default: 0] += 1
            highest[worker] = Swift.max(highest[worker] ?? 0, fraction)
            if fraction >= GeneratorCheck.busyFraction { busySeconds[worker, default: 0] += 1 }
        }
    }

    /// Why the run's measurement was limited by the generator, one line each; empty when not.
    static func reasons(busy: Busy, totals: Recorder) -> [String] {
        var out: [String] = []
        for worker in busy.seconds.keys.sorted() {
            let n = busy.seconds[worker]!, b = busy.busySeconds[worker] ?? 0
            if b >= 2 && Double(b) >= busySecondsFraction * Double(n) {
                out.append("worker \(worker) was busy (over \(Int(busyFraction * 100))% of a core) in \(b) of \(n) seconds, peaking at \(Int(((busy.highest[worker] ?? 0) * 100).rounded()))%: its VUs waited for the generator, not the target; give it more workers or machines (--segment)")
            }
        }
        var blocked: UInt64 = 0, requests: UInt64 = 0
        let blockedLimit = UInt64(blockedMilliseconds * 1000)
        for m in totals.requests.values {
            requests &+= UInt64(m.requests)
            let h = m.histogram(for: .blocked)
            if h.maxRecorded > blockedLimit { blocked &+= h.count(within: (blockedLimit + 1)...h.maxRecorded) }
        }
        if blocked >= lateIterationsMinimum && Double(blocked) > lateIterationsFraction * Double(requests) {
            out.append("\(NumberFormat.grouped(Int(blocked))) of \(NumberFormat.grouped(Int(requests))) requests waited over \(Int(blockedMilliseconds)) ms before they went out (http_req_blocked: every HTTP/2 connection's streams were taken, or a name lookup was slow): the client's pool limited the load; raise http2.connectionsPerTarget or maxConcurrentStreams")
        }
        for name in totals.scenarios.keys.sorted() {
            let s = totals.scenarios[name]!
            if let lag = s.startLag, lag.totalCount > 0 {
                let limit = UInt64(startLagMilliseconds * 1000)
                let late = lag.maxRecorded > limit ? lag.count(within: (limit + 1)...lag.maxRecorded) : 0
                if late >= lateIterationsMinimum && Double(late) > lateIterationsFraction * Double(lag.totalCount) {
                    let p99 = Double(lag.valueAtPercentile(99)) / 1000
                    out.append("scenario \(name): \(NumberFormat.grouped(Int(late))) of \(NumberFormat.grouped(Int(lag.totalCount))) iterations started over \(Int(startLagMilliseconds)) ms late (iteration_start_lag p99 \(DurationFormat.milliseconds(p99))): the generator fell behind the arrival rate")
                }
            }
            if s.dropped > 0 {
                out.append("scenario \(name): \(NumberFormat.grouped(s.dropped)) iterations dropped: no VU was free (raise maxVUs, or the target is past saturation)")
            }
        }
        return out
    }
}
