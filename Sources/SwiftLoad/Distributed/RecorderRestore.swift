/// A result file's metrics back in memory, as the run's aggregator held them at its end, so the
/// results of several segments add up exactly (`Recorder.merge`) and the sum is judged and
/// reported like any run.
extension Recorder {
    /// Why `result` cannot be read back exactly, or nil (results written before the per-series
    /// counts existed cannot be merged).
    static func restoreProblem(_ result: RunResult) -> String? {
        if result.histograms.checks == nil || result.histograms.groupSeries == nil
            || result.histograms.series.contains(where: { $0.statuses == nil || $0.errors == nil }) {
            return "was written by a swiftload without per-series counts (before \(SwiftLoadVersion.current)); run it again to merge it"
        }
        return nil
    }

    /// `result`'s totals. Call `restoreProblem` first: what it reports as missing reads as empty.
    convenience init(restoring result: RunResult) {
        self.init()
        for s in result.histograms.series {
            let key = SeriesKey(name: s.name, group: s.group, scenario: s.scenario,
                                tags: SeriesKey.tags([:], s.tags))
            let duration = s.metrics[TrendMetric.duration.rawValue]
            let service = s.metrics[TrendMetric.serviceTime.rawValue]
            let m = RequestMetrics(duration: duration?.decode() ?? LatencyHistogram.latency(),
                                   serviceTime: service == duration ? nil : service?.decode())
            m.requests = s.requests
            m.failures = s.failures
            m.bytesReceived = s.bytesReceived ?? 0
            m.bytesSent = s.bytesSent ?? 0
            func phase(_ metric: TrendMetric) -> PhaseHistogram {
                s.metrics[metric.rawValue].map { PhaseHistogram(restoring: $0.decode()) } ?? PhaseHistogram()
            }
            m.blocked = phase(.blocked)
            m.connecting = phase(.connecting)
            m.tlsHandshaking = phase(.tlsHandshaking)
            m.waiting = phase(.waiting)
            m.receiving = phase(.receiving)
            for (code, n) in s.statuses ?? [:] { if let c = Int(code) { m.statuses.add(c, n) } }
            for (code, n) in s.grpcStatuses ?? [:] { if let c = Int(code) { m.grpcStatuses.add(c, n) } }
            for e in s.errors ?? [] {
                m.errors[ErrorClass(rawValue: e.errorClass), default: ErrorTally(count: 0, sample: "")]
                    .merge(ErrorTally(count: e.count, sample: e.sample))
            }
            if let counts = s.stream {
                let st = m.streamMetrics
                st.messages = counts.messages
                st.llmCalls = counts.llmCalls
                st.inputTokens = counts.inputTokens
                st.outputTokens = counts.outputTokens
                st.goodCalls = counts.goodCalls
                for trend in StreamTrend.allCases {
                    if let h = s.metrics[trend.rawValue] { st.restore(trend, h.decode()) }
                }
            }
            if let existing = requests[key] { existing.merge(m) } else { requests[key] = m }
        }
        for c in result.histograms.checks ?? [] {
            let key = CheckKey(name: c.name, group: c.group, scenario: c.scenario)
            checks[key, default: CheckTally()].passes += c.passes
            checks[key, default: CheckTally()].fails += c.fails
        }
        for g in result.histograms.groupSeries ?? [] {
            let key = GroupKey(path: g.path, scenario: g.scenario)
            if groups[key] == nil { groups[key] = LatencyHistogram.latency() }
            groups[key]!.merge(g.histogram.decode())
        }
        for s in result.scenarios {
            let m = scenario(s.name)
            m.completed += s.iterations
            m.failed += s.failedIterations
            m.interrupted += s.interruptedIterations
            m.dropped += s.droppedIterations
            m.vusAllocated += s.vusMax
            if let h = result.histograms.iterations[s.name] { m.iterationDuration.merge(h.decode()) }
            if let lag = result.histograms.startLags?[s.name] { m.restoreStartLag(lag.decode()) }
        }
        for e in result.errors where e.kind == "script" {
            let m = scenario(e.name)
            m.scriptErrors[e.sample, default: ErrorTally(count: 0, sample: e.sample)].count += e.count
        }
        interruptedRequests = result.interruptedRequests
        goaways = result.http2.goaways
        refusedStreams = result.http2.refusedStreamsRetried
        targets = Set(result.run.targets)
    }
}
