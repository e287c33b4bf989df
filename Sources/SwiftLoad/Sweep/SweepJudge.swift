/// perf_analyzer's stability rule and the verdict on one rate of a sweep.
///
/// A rate is measured in windows (one ordinary run each). The windows are stable when the last
/// `stableWindows` agree within `tolerance` — p99 and achieved rate each within that fraction of
/// their mean — and a rate runs at most `maxWindows` of them. A window that already shows
/// saturation (the target fell 10 % behind the offered rate, iterations were dropped) ends the
/// rate at once: more windows would only confirm it. A window the generator disturbed while the
/// target met every SLO and kept up (a stall of the shared machine that made iterations start
/// late) says nothing about the target: the rate is judged on its other windows when it has any.
public struct SweepJudge: Sendable {
    public var stableWindows = 3
    public var maxWindows = 5
    public var tolerance = 0.10

    public init() {}

    /// Whether `windows` (in order) have said enough to judge the rate (`rate` nil: a
    /// concurrency step, which has no offered rate to fall behind).
    public func isDone(_ windows: [RunResult], rate: Double?) -> Bool {
        guard let last = windows.last else { return false }
        if let rate, Self.saturation(last, rate: rate) != nil { return true }
        return windows.count >= maxWindows || isStable(windows.filter { !Self.disturbed($0, rate: rate) })
    }

    /// Tainted, yet every SLO held and the target kept up: the generator's trouble, not the target's.
    static func disturbed(_ w: RunResult, rate: Double?) -> Bool {
        w.run.tainted == true && w.thresholds.allSatisfy(\.passed) && (rate.map { saturation(w, rate: $0) == nil } ?? true)
    }

    /// The windows a verdict rests on: the last `stableWindows` undisturbed ones, or the last
    /// `stableWindows` of all when every window was disturbed.
    func judgedWindows(_ windows: [RunResult], rate: Double?) -> [RunResult] {
        let clean = windows.filter { !Self.disturbed($0, rate: rate) }
        return Array((clean.isEmpty ? windows : clean).suffix(stableWindows))
    }

    /// The last `stableWindows` agree within the tolerance.
    public func isStable(_ windows: [RunResult]) -> Bool {
        guard windows.count >= stableWindows else { return false }
        let judged = windows.suffix(stableWindows)
        func agree(_ values: [Double]) -> Bool {
            let mean = values.reduce(0, +) / Double(values.count)
            guard mean > 0 else { return true }
            return (values.max()! - values.min()!) <= tolerance * mean
        }
        return agree(judged.map(\.requests.duration.p99)) && agree(judged.map(Self.achieved))
    }

    /// The step the windows of `rate` make (or of `vus` VUs in a concurrency sweep).
    public func step(rate: Double?, vus: Int? = nil, windows: [RunResult]) -> SweepStep {
        let judged = judgedWindows(windows, rate: rate)
        let last = judged.last!
        // Each broken SLO once, with its value in the latest window that broke it.
        var broken: [String: String] = [:], order: [String] = []
        for w in judged {
            for t in w.thresholds where !t.passed {
                let key = "\(t.metric): \(t.condition)"
                if broken[key] == nil { order.append(key) }
                broken[key] = "\(key) (\(t.actualText))"
            }
        }
        var reasons = order.map { broken[$0]! }
        if let rate, let s = Self.saturation(last, rate: rate) { reasons.append(s) }
        if judged.contains(where: { $0.run.tainted == true }) {
            reasons.append("tainted: " + (judged.compactMap { $0.run.taintReasons?.first }.first ?? "the generator limited it"))
        }
        let achieved = judged.map(Self.achieved).reduce(0, +) / Double(judged.count)
        // The generator's own limit: a busy worker or a full connection pool; late starts only
        // while the target kept up and when they make up much of the latency. Past saturation
        // (dropped iterations, the rate not achieved), or with a p99 far beyond the start lag,
        // the target failed: late starts then follow from the overload on a shared machine.
        let generatorLimited = judged.contains { w in
            let signs = (w.run.taintReasons ?? []).map(GeneratorCheck.Sign.init(reason:))
            let saturated = rate.map { Self.saturation(w, rate: $0) != nil } ?? false
            let lag = w.scenarios.compactMap { $0.iterationStartLag?.p99 }.max() ?? 0
            let lagExplains = lag >= 0.5 * w.requests.duration.p99
            return signs.contains { $0 == .busyWorker || $0 == .poolWait || ($0 == .lateStarts && !saturated && lagExplains) }
        }
        var step = SweepStep(
            rate: rate ?? achieved, vus: vus, achievedRate: achieved,
            p50: last.requests.duration.med, p95: last.requests.duration.p95, p99: last.requests.duration.p99,
            errorRate: last.requests.errorRate,
            droppedIterations: last.scenarios.reduce(0) { $0 + $1.droppedIterations },
            passed: reasons.isEmpty, reasons: reasons, windows: windows.count,
            stable: isStable(windows.filter { !Self.disturbed($0, rate: rate) }), result: last)
        step.discarded = generatorLimited
        return step
    }

    /// Iterations completed per second of a window.
    static func achieved(_ r: RunResult) -> Double {
        let done = r.scenarios.reduce(0) { $0 + $1.iterations + $1.failedIterations }
        return r.run.plannedDurationSeconds > 0 ? Double(done) / r.run.plannedDurationSeconds : 0
    }

    /// Why the window shows the target past saturation, or nil.
    static func saturation(_ r: RunResult, rate: Double) -> String? {
        let dropped = r.scenarios.reduce(0) { $0 + $1.droppedIterations }
        if dropped > 0 { return "saturated: \(dropped) iterations dropped (no VU free)" }
        let a = achieved(r)
        if a < 0.9 * rate { return "saturated: achieved \(NumberFormat.rate(a))/s of \(NumberFormat.rate(rate))/s offered" }
        return nil
    }
}
