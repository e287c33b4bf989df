/// The time series of several segments as one: each point is placed by its start on the wall
/// clock (its run's start offset plus its `t` less its length, to the nearest second; a run's
/// points start whole seconds apart, even its short last one), and points that start in the
/// same second are added side by side.
///
/// Counts, bytes and VUs add exactly (the segments ran at the same time). A point's percentiles
/// and max are the highest of the segments' — the time series carries no histograms, so this is
/// an upper bound, never an understatement (the run's totals and thresholds are exact).
enum TimeSeriesAlignment {
    /// `series[i]` is segment i's time series; `startOffsets[i]` how many seconds after the
    /// earliest segment it started.
    static func align(_ series: [[TimeSeriesPoint]], startOffsets: [Double]) -> [TimeSeriesPoint] {
        var bySecond: [Int: TimeSeriesPoint] = [:]
        for (points, offset) in zip(series, startOffsets) {
            for p in points {
                var q = p
                q.t = offset + p.t
                let key = Int((q.t - p.seconds).rounded())
                bySecond[key] = bySecond[key].map { side(by: $0, q) } ?? q
            }
        }
        var out = bySecond.keys.sorted().map { bySecond[$0]! }
        while out.count > TimeSeriesCoarsening.maxPoints { out = TimeSeriesCoarsening.halve(out) }
        return out
    }

    /// Two points of the same interval from two processes.
    static func side(by a: TimeSeriesPoint, _ b: TimeSeriesPoint) -> TimeSeriesPoint {
        var m = a
        m.t = Swift.max(a.t, b.t)
        m.seconds = Swift.max(a.seconds, b.seconds)
        m.requests = a.requests + b.requests
        m.failures = a.failures + b.failures
        m.rps = m.seconds > 0 ? Double(m.requests) / m.seconds : 0
        m.p50 = Swift.max(a.p50, b.p50)
        m.p90 = Swift.max(a.p90, b.p90)
        m.p95 = Swift.max(a.p95, b.p95)
        m.p99 = Swift.max(a.p99, b.p99)
        m.max = Swift.max(a.max, b.max)
        m.iterations = a.iterations + b.iterations
        m.droppedIterations = a.droppedIterations + b.droppedIterations
        m.activeVUs = a.activeVUs + b.activeVUs
        m.vus = a.vus + b.vus
        m.bytesReceived = a.bytesReceived + b.bytesReceived
        m.bytesSent = a.bytesSent + b.bytesSent
        for (name, p) in b.byName {
            if var q = m.byName[name] {
                q.requests += p.requests
                q.failures += p.failures
                q.p50 = Swift.max(q.p50, p.p50)
                q.p95 = Swift.max(q.p95, p.p95)
                q.p99 = Swift.max(q.p99, p.p99)
                q.max = Swift.max(q.max, p.max)
                m.byName[name] = q
            } else if m.byName.count < Aggregator.namesPerPoint {
                m.byName[name] = p
            }
        }
        for (name, s) in b.byScenario {
            var q = m.byScenario[name] ?? ScenarioPoint()
            q.requests += s.requests
            q.failures += s.failures
            q.iterations += s.iterations
            q.droppedIterations += s.droppedIterations
            q.vus += s.vus
            m.byScenario[name] = q
        }
        return m
    }
}
