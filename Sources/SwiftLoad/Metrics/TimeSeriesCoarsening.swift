/// Keeps a run's time series bounded: past `maxPoints`, neighbouring points are merged in pairs,
/// so a long run keeps its whole span at a coarser step (older seconds first) instead of growing
/// by a point every second.
///
/// Counts, bytes and lengths add exactly. A merged point's percentiles and max are the higher of
/// the two (the time series carries no histograms): an upper bound, never an understatement.
/// VU counts are those at the end of the later point, as for any point.
enum TimeSeriesCoarsening {
    /// Points kept at most (an hour at one per second).
    static let maxPoints = 3600

    /// `points` with neighbours merged in pairs (an odd last point stays as it is).
    static func halve(_ points: [TimeSeriesPoint]) -> [TimeSeriesPoint] {
        var out: [TimeSeriesPoint] = []
        out.reserveCapacity(points.count / 2 + 1)
        var i = 0
        while i + 1 < points.count {
            out.append(merge(points[i], points[i + 1]))
            i += 2
        }
        if i < points.count { out.append(points[i]) }
        return out
    }

    /// One point covering `a` then `b`.
    static func merge(_ a: TimeSeriesPoint, _ b: TimeSeriesPoint) -> TimeSeriesPoint {
        var m = b.addingCounts(of: a)
        m.seconds = a.seconds + b.seconds
        m.rps = m.seconds > 0 ? Double(m.requests) / m.seconds : 0
        m.server = mergeServer(a, b)
        return m
    }

    /// Server series over both points: rates and gauges averaged by time, histogram quantiles
    /// the higher of the two (an upper bound, as for the client's percentiles).
    static func mergeServer(_ a: TimeSeriesPoint, _ b: TimeSeriesPoint) -> [String: Double]? {
        guard let sa = a.server else { return b.server }
        guard let sb = b.server else { return sa }
        var out = sa
        for (name, vb) in sb {
            guard let va = sa[name] else { out[name] = vb; continue }
            if name.hasPrefix("histogram_quantile(") {
                out[name] = Swift.max(va, vb)
            } else {
                let w = a.seconds + b.seconds
                out[name] = w > 0 ? (va * a.seconds + vb * b.seconds) / w : vb
            }
        }
        return out
    }
}

extension TimeSeriesPoint {
    /// This point with `o`'s counts added (requests, failures, iterations, bytes, per name and
    /// per scenario) and the higher of the two percentiles and maxima. Its length, rate and VU
    /// counts stay this point's: whoever combines points decides what they become.
    func addingCounts(of o: TimeSeriesPoint) -> TimeSeriesPoint {
        var m = self
        m.requests += o.requests
        m.failures += o.failures
        m.p50 = Swift.max(p50, o.p50)
        m.p90 = Swift.max(p90, o.p90)
        m.p95 = Swift.max(p95, o.p95)
        m.p99 = Swift.max(p99, o.p99)
        m.max = Swift.max(max, o.max)
        m.iterations += o.iterations
        m.droppedIterations += o.droppedIterations
        m.bytesReceived += o.bytesReceived
        m.bytesSent += o.bytesSent
        for (name, p) in o.byName {
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
        for (name, s) in o.byScenario {
            var q = m.byScenario[name] ?? ScenarioPoint()
            q.requests += s.requests
            q.failures += s.failures
            q.iterations += s.iterations
            q.droppedIterations += s.droppedIterations
            m.byScenario[name] = q
        }
        if let l = o.llm {
            if var q = m.llm {
                q.calls += l.calls
                q.outputTokens += l.outputTokens
                q.goodCalls += l.goodCalls
                q.ttftP50 = Swift.max(q.ttftP50, l.ttftP50)
                q.ttftP99 = Swift.max(q.ttftP99, l.ttftP99)
                q.itlP50 = Swift.max(q.itlP50, l.itlP50)
                q.itlP99 = Swift.max(q.itlP99, l.itlP99)
                m.llm = q
            } else {
                m.llm = l
            }
        }
        return m
    }
}
