/// The verdict on one threshold.
public struct ThresholdOutcome: Codable, Sendable, Equatable {
    /// `metric{filters}`.
    public var metric: String
    /// The condition as written, e.g. `p(99) < 200ms`.
    public var condition: String
    public var passed: Bool
    /// The measured value in the metric's unit (ms, fraction, count or per second); nil when
    /// there was nothing to measure.
    public var actual: Double?
    /// "ms", "rate", "count", "/s", or "value" (a server series, in the server's own unit).
    public var unit: String
    /// Why it failed without a value (e.g. no samples).
    public var note: String?

    /// The measured value with its unit (`63.2 ms`, `2.10%`), or the note.
    public var actualText: String { actual.map { HTMLReport.value(unit, $0) } ?? (note ?? "no value") }
}

/// Evaluates thresholds against a run's merged metrics.
struct ThresholdEvaluator {
    let totals: Recorder
    let elapsedSeconds: Double
    /// All series together when the caller keeps them running, so an unfiltered threshold
    /// does not merge every series again.
    var allRequests: RequestMetrics? = nil
    /// Scraped server series (`--scrape`), for `server:` thresholds.
    var server: (any ServerMetricValues)? = nil

    func evaluate(_ t: Threshold) -> ThresholdOutcome {
        let filter = Dictionary(t.filters.map { ($0.tag, $0.value) }, uniquingKeysWith: { _, b in b })
        var outcome = ThresholdOutcome(metric: t.metricKey, condition: t.source, passed: false, actual: nil,
                                       unit: unit(t), note: nil)
        guard let value = measure(t, filter: filter) else {
            outcome.note = "no samples"
            return outcome
        }
        outcome.actual = value
        outcome.passed = t.comparison.holds(value, t.bound)
        return outcome
    }

    private func unit(_ t: Threshold) -> String {
        switch (t.metric.kind, t.aggregation) {
        case (.trend, .count), (.counter, .count): return "count"
        case (.trend, _): return t.metric.isDuration ? "ms" : "tok/s"
        case (.rate, _): return "rate"
        case (.counter, _): return "/s"
        case (.server, _): return "value"
        }
    }

    private func requests(_ filter: [String: String]) -> RequestMetrics? {
        var f = filter
        f.removeValue(forKey: "status")
        if f.isEmpty, let all = allRequests { return all.requests > 0 || !totals.requests.isEmpty ? all : nil }
        return totals.requests(matching: f)
    }

    private func scenarios(_ filter: [String: String]) -> ScenarioMetrics? {
        if let name = filter["scenario"] { return totals.scenarios[name] }
        let all = ScenarioMetrics()
        for s in totals.scenarios.values { all.merge(s) }
        return all
    }

    private func measure(_ t: Threshold, filter: [String: String]) -> Double? {
        switch t.metric {
        case .server:
            return measureServer(t)
        case .httpReqDuration, .httpReqServiceTime, .httpReqBlocked, .httpReqConnecting,
             .httpReqTLSHandshaking, .httpReqWaiting, .httpReqReceiving:
            guard let r = requests(filter), let trend = TrendMetric(rawValue: t.metric.rawValue) else { return nil }
            return aggregate(r.histogram(for: trend), t.aggregation)
        case .streamFirstMessage, .streamMessageGap, .llmTTFT, .llmTTFOT, .llmITL, .llmTPOT, .llmE2E,
             .llmOutputTokensPerSecond:
            guard let trend = t.metric.streamTrend, let h = requests(filter)?.stream?.histogram(trend) else {
                return t.aggregation == .count ? 0 : nil
            }
            return aggregate(h, t.aggregation)
        case .streamMessages:
            return counter(Double(requests(filter)?.stream?.messages ?? 0), t.aggregation)
        case .llmInputTokens:
            return counter(Double(requests(filter)?.stream?.inputTokens ?? 0), t.aggregation)
        case .llmOutputTokens:
            return counter(Double(requests(filter)?.stream?.outputTokens ?? 0), t.aggregation)
        case .llmGoodput:
            return counter(Double(requests(filter)?.stream?.goodCalls ?? 0), t.aggregation)
        case .iterationDuration:
            guard let s = scenarios(filter) else { return nil }
            return aggregate(s.iterationDuration, t.aggregation)
        case .iterationStartLag:
            guard let s = scenarios(filter), let lag = s.startLag else { return nil }
            return aggregate(lag, t.aggregation)
        case .groupDuration:
            var h = LatencyHistogram.latency()
            for (key, g) in totals.groups where (filter["group"].map { $0 == key.path } ?? true)
                && (filter["scenario"].map { $0 == key.scenario } ?? true) {
                h.merge(g)
            }
            return aggregate(h, t.aggregation)
        case .httpReqFailed:
            guard let r = requests(filter), r.requests > 0 else { return nil }
            return Double(r.failures) / Double(r.requests)
        case .checks:
            let tallies = totals.checks.filter { key, _ in
                (filter["check"].map { $0 == key.name } ?? true) && (filter["group"].map { $0 == key.group } ?? true)
                    && (filter["scenario"].map { $0 == key.scenario } ?? true)
            }.values
            let passes = tallies.reduce(0) { $0 + $1.passes }, fails = tallies.reduce(0) { $0 + $1.fails }
            guard passes + fails > 0 else { return nil }
            return Double(passes) / Double(passes + fails)
        case .httpReqs:
            let m = requests(filter)
            if let status = filter["status"] {
                return counter(Double(m?.statuses[Int(status) ?? -1] ?? 0), t.aggregation)
            }
            return counter(Double(m?.requests ?? 0), t.aggregation)
        case .grpcReqs:
            guard let m = requests(filter) else { return counter(0, t.aggregation) }
            if let status = filter["status"], let code = GRPCStatusCode(text: status) {
                return counter(Double(m.grpcStatuses[code.rawValue] ?? 0), t.aggregation)
            }
            return counter(Double(m.grpcStatuses.values.reduce(0, +)), t.aggregation)
        case .dataReceived:
            return counter(Double(requests(filter)?.bytesReceived ?? 0), t.aggregation)
        case .dataSent:
            return counter(Double(requests(filter)?.bytesSent ?? 0), t.aggregation)
        case .iterations:
            return counter(Double(scenarios(filter)?.completed ?? 0), t.aggregation)
        case .droppedIterations:
            return counter(Double(scenarios(filter)?.dropped ?? 0), t.aggregation)
        case .interruptedIterations:
            return counter(Double(scenarios(filter)?.interrupted ?? 0), t.aggregation)
        case .failedIterations:
            return counter(Double(scenarios(filter)?.failed ?? 0), t.aggregation)
        }
    }

    /// A server series over the run's seconds; `count` and `rate` of a counter's rate series
    /// are the counter's growth over the run and that per second of it.
    private func measureServer(_ t: Threshold) -> Double? {
        guard let name = t.serverSeries, let server else { return nil }
        switch t.aggregation {
        case .count, .rate:
            guard let increase = server.serverIncrease(name) else { return nil }
            return t.aggregation == .rate ? (elapsedSeconds > 0 ? increase / elapsedSeconds : nil) : increase
        default:
            guard let values = server.serverValues(name), !values.isEmpty else { return nil }
            switch t.aggregation {
            case .avg: return values.reduce(0, +) / Double(values.count)
            case .min: return values.min()
            case .max: return values.max()
            case .med: return Self.percentile(values, 50)
            case .percentile(let p): return Self.percentile(values, p)
            case .count, .rate: return nil
            }
        }
    }

    /// The nearest-rank percentile, as the HDR histograms report it.
    static func percentile(_ values: [Double], _ p: Double) -> Double {
        let sorted = values.sorted()
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
        return sorted[min(sorted.count - 1, max(0, rank - 1))]
    }

    private func counter(_ count: Double, _ aggregation: Threshold.Aggregation) -> Double {
        aggregation == .rate ? (elapsedSeconds > 0 ? count / elapsedSeconds : 0) : count
    }

    private func aggregate(_ h: LatencyHistogram, _ aggregation: Threshold.Aggregation) -> Double? {
        if aggregation == .count { return Double(h.totalCount) }
        guard h.totalCount > 0 else { return nil }
        let stats = TrendStats(h)
        switch aggregation {
        case .avg: return stats.avg
        case .min: return stats.min
        case .med: return stats.med
        case .max: return stats.max
        case .percentile(let p): return Double(h.valueAtPercentile(p)) / 1000
        case .count, .rate: return nil
        }
    }
}
