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

    /// Two points of the same interval from two processes: counts add, and so do VUs.
    static func side(by a: TimeSeriesPoint, _ b: TimeSeriesPoint) -> TimeSeriesPoint {
        var m = a.addingCounts(of: b)
        m.t = Swift.max(a.t, b.t)
        m.seconds = Swift.max(a.seconds, b.seconds)
        m.rps = m.seconds > 0 ? Double(m.requests) / m.seconds : 0
        m.activeVUs = a.activeVUs + b.activeVUs
        m.vus = a.vus + b.vus
        for (name, s) in b.byScenario { m.byScenario[name, default: ScenarioPoint()].vus += s.vus }
        // Segments scrape the same servers: their readings are of one server, not to be added.
        m.server = a.server ?? b.server
        return m
    }
}
