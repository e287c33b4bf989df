import Foundation
import CCurl

/// Builds a `RunResult` from aggregated metrics: those of a run that just finished, or those of
/// several segments' results added together (`ResultMerge`).
struct ResultBuilder {
    /// What the result says about the run besides its metrics.
    var run: RunInfo
    var options: OptionsEcho
    /// The scenarios, in the result's order.
    var scenarios: [ScenarioRef]
    let totals: Recorder
    let points: [TimeSeriesPoint]
    let thresholds: [ThresholdOutcome]
    let elapsedSeconds: Double
    let exitCode: Int
    /// What the run noticed about itself (a name cap reached), one line each.
    var warnings: [String] = []
    /// All series together, when the caller kept them running.
    var allRequests: RequestMetrics? = nil
    /// What `--scrape` collected.
    var serverMetrics: ServerMetricsResult? = nil

    /// A scenario as the result lists it.
    struct ScenarioRef {
        var name: String
        var executor: String
        var tags: [String: String]
    }

    /// The builder for a run of `plan` that just ended.
    static func forRun(options: Options, plan: ExecutionPlan, config: RunConfig, totals: Recorder,
                       points: [TimeSeriesPoint], thresholds: [ThresholdOutcome], thresholdSources: [String: [String]],
                       startTime: Date, elapsedSeconds: Double, stop: StopReason?, exitCode: Int,
                       cpuSeconds: Double?, warnings: [String], allRequests: RequestMetrics?,
                       taint: [String] = []) -> ResultBuilder {
        let echo = optionsEcho(options: options, plan: plan, config: config, thresholdSources: thresholdSources)
        var run = RunInfo(
            script: config.scriptPath, targets: totals.targets.sorted(), startTime: RFC3339.string(startTime),
            durationSeconds: elapsedSeconds, plannedDurationSeconds: Double(plan.plannedDuration) / 1e9,
            interrupted: stop != nil, interruptReason: stop?.description, stopKind: stop?.kind,
            workers: plan.workerCount, cpuSeconds: cpuSeconds, machine: machine())
        // Recorded when asked for, even as 1/1: such a result merges (alone) like any segment.
        run.segment = config.segment ?? (plan.segment.isWhole ? nil : plan.segment)
        run.scriptHash = config.scriptHash
        run.optionsHash = optionsHash(echo)
        run.tainted = taint.isEmpty ? nil : true
        run.taintReasons = taint.isEmpty ? nil : taint
        return ResultBuilder(
            run: run, options: echo,
            scenarios: plan.scenarios.map { ScenarioRef(name: $0.name, executor: $0.scenario.executor.name, tags: $0.scenario.tags) },
            totals: totals, points: points, thresholds: thresholds, elapsedSeconds: elapsedSeconds,
            exitCode: exitCode, warnings: warnings, allRequests: allRequests)
    }

    func build() -> RunResult {
        RunResult(
            schemaVersion: RunResult.currentSchemaVersion,
            tool: ToolInfo(name: "swiftload", version: SwiftLoadVersion.current, libcurl: Self.libcurlVersion),
            run: run,
            options: options,
            requests: stats(name: "all", allRequests ?? totals.allRequests()),
            byName: byName { _ in true },
            scenarios: scenarios.map { scenarioStats($0) },
            checks: checks(),
            groups: totals.groups.reduce(into: [String: LatencyHistogram]()) { acc, kv in
                if acc[kv.key.path] == nil { acc[kv.key.path] = LatencyHistogram.latency() }
                acc[kv.key.path]!.merge(kv.value)
            }.sorted { $0.key < $1.key }.map { GroupStats(path: $0.key, duration: TrendStats($0.value)) },
            errors: errorRows(),
            interruptedRequests: totals.interruptedRequests,
            http2: HTTP2Stats(goaways: totals.goaways, refusedStreamsRetried: totals.refusedStreams),
            thresholds: thresholds,
            timeSeries: points,
            histograms: histograms(),
            exitCode: exitCode,
            warnings: warnings.isEmpty ? nil : warnings,
            serverMetrics: serverMetrics)
    }

    /// SHA-256 of the options as echoed (keys sorted): equal for two runs of the same script with
    /// the same options and command-line overrides, whatever machine or segment ran them.
    static func optionsHash(_ echo: OptionsEcho) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return SHA256.hex((try? encoder.encode(echo)) ?? Data())
    }

    /// Rows per display name (`group::name`) over the series that pass `include`, sorted.
    private func byName(_ include: (SeriesKey) -> Bool) -> [RequestGroupStats] {
        // Most names are one series: use it as it is, and copy only where several share a name
        // (tags, scenarios), so a run with many names does not hold a second copy of each.
        var series: [String: [RequestMetrics]] = [:]
        for (key, m) in totals.requests where include(key) { series[key.displayName, default: []].append(m) }
        return series.keys.sorted().map { name in
            let parts = series[name]!
            if parts.count == 1 { return stats(name: name, parts[0]) }
            let row = RequestMetrics()
            for m in parts { row.merge(m) }
            return stats(name: name, row)
        }
    }

    private func stats(name: String, _ m: RequestMetrics) -> RequestGroupStats {
        var row = RequestGroupStats(
            name: name, count: m.requests, failures: m.failures,
            errorRate: m.requests > 0 ? Double(m.failures) / Double(m.requests) : 0,
            rps: elapsedSeconds > 0 ? Double(m.requests) / elapsedSeconds : 0,
            bytesReceived: m.bytesReceived, bytesSent: m.bytesSent,
            statuses: Dictionary(uniqueKeysWithValues: m.statuses.map { (String($0.key), $0.value) }),
            grpcStatuses: Dictionary(uniqueKeysWithValues: m.grpcStatuses.map { (GRPCStatusCode(rawValue: $0.key).name, $0.value) }),
            duration: TrendStats(m.duration), serviceTime: TrendStats(m.serviceTime),
            blocked: TrendStats(m.blocked.histogram), connecting: TrendStats(m.connecting.histogram),
            tlsHandshaking: TrendStats(m.tlsHandshaking.histogram), waiting: TrendStats(m.waiting.histogram),
            receiving: TrendStats(m.receiving.histogram))
        row.stream = m.stream?.streamStats
        row.llm = m.stream?.llmStats(elapsedSeconds: elapsedSeconds)
        return row
    }

    private func scenarioStats(_ p: ScenarioRef) -> ScenarioStats {
        let m = totals.scenarios[p.name] ?? ScenarioMetrics()
        return ScenarioStats(
            name: p.name, executor: p.executor,
            iterations: m.completed, failedIterations: m.failed, interruptedIterations: m.interrupted,
            droppedIterations: m.dropped,
            iterationRate: elapsedSeconds > 0 ? Double(m.completed) / elapsedSeconds : 0,
            iterationDuration: TrendStats(m.iterationDuration), iterationStartLag: m.startLag.map(TrendStats.init),
            vusMax: m.vusAllocated,
            requests: stats(name: "all", totals.requests(matching: ["scenario": p.name]) ?? RequestMetrics()),
            byName: byName { $0.scenario == p.name },
            tags: p.tags)
    }

    private func checks() -> [CheckStats] {
        var merged: [String: CheckTally] = [:]
        for (key, c) in totals.checks {
            merged[key.displayName, default: CheckTally()].passes += c.passes
            merged[key.displayName, default: CheckTally()].fails += c.fails
        }
        return merged.keys.sorted().map { name in
            let c = merged[name]!
            return CheckStats(name: name, passes: c.passes, fails: c.fails,
                              rate: c.passes + c.fails > 0 ? Double(c.passes) / Double(c.passes + c.fails) : 0)
        }
    }

    private func errorRows() -> [ErrorRow] {
        var requestErrors: [String: [ErrorClass: ErrorTally]] = [:]
        for (key, m) in totals.requests {
            for (cls, tally) in m.errors {
                requestErrors[key.displayName, default: [:]][cls, default: ErrorTally(count: 0, sample: "")].merge(tally)
            }
        }
        var rows: [ErrorRow] = []
        for name in requestErrors.keys.sorted() {
            for (cls, tally) in requestErrors[name]!.sorted(by: { $0.key < $1.key }) {
                rows.append(ErrorRow(kind: "request", name: name, errorClass: cls.rawValue, sample: tally.sample, count: tally.count))
            }
        }
        for name in totals.scenarios.keys.sorted() {
            for (message, tally) in totals.scenarios[name]!.scriptErrors.sorted(by: { $0.key < $1.key }) {
                rows.append(ErrorRow(kind: "script", name: name, errorClass: "script", sample: message, count: tally.count))
            }
        }
        return rows.sorted { $0.count > $1.count }
    }

    private func histograms() -> HistogramSet {
        let series = totals.requests.sorted { ($0.key.displayName, $0.key.scenario) < ($1.key.displayName, $1.key.scenario) }
            .map { key, m -> SeriesHistograms in
                var perMetric: [String: EncodedHistogram] = [:]
                for metric in TrendMetric.allCases { perMetric[metric.rawValue] = EncodedHistogram(m.histogram(for: metric)) }
                var s = SeriesHistograms(name: key.name, group: key.group, scenario: key.scenario,
                                         tags: Dictionary(uniqueKeysWithValues: key.tags.map { ($0.key, $0.value) }),
                                         requests: m.requests, failures: m.failures, metrics: perMetric)
                s.bytesReceived = m.bytesReceived
                s.bytesSent = m.bytesSent
                s.statuses = Dictionary(uniqueKeysWithValues: m.statuses.map { (String($0.key), $0.value) })
                s.grpcStatuses = Dictionary(uniqueKeysWithValues: m.grpcStatuses.map { (String($0.key), $0.value) })
                s.errors = m.errors.sorted { $0.key < $1.key }
                    .map { SeriesError(errorClass: $0.key.rawValue, count: $0.value.count, sample: $0.value.sample) }
                if let st = m.stream {
                    for (trend, h) in st.trends { s.metrics[trend.rawValue] = EncodedHistogram(h) }
                    s.stream = SeriesStreamCounts(messages: st.messages, llmCalls: st.llmCalls, inputTokens: st.inputTokens,
                                                  outputTokens: st.outputTokens, goodCalls: st.goodCalls)
                }
                return s
            }
        var iterations: [String: EncodedHistogram] = [:]
        for (name, s) in totals.scenarios { iterations[name] = EncodedHistogram(s.iterationDuration) }
        var startLags: [String: EncodedHistogram] = [:]
        for (name, s) in totals.scenarios { if let l = s.startLag { startLags[name] = EncodedHistogram(l) } }
        var groups: [String: LatencyHistogram] = [:]
        for (key, h) in totals.groups {
            if groups[key.path] == nil { groups[key.path] = LatencyHistogram.latency() }
            groups[key.path]!.merge(h)
        }
        var set = HistogramSet(series: series, iterations: iterations, groups: groups.mapValues(EncodedHistogram.init),
                               startLags: startLags.isEmpty ? nil : startLags)
        set.checks = totals.checks.sorted { ($0.key.scenario, $0.key.displayName) < ($1.key.scenario, $1.key.displayName) }
            .map { CheckSeries(name: $0.key.name, group: $0.key.group, scenario: $0.key.scenario,
                               passes: $0.value.passes, fails: $0.value.fails) }
        set.groupSeries = totals.groups.sorted { ($0.key.path, $0.key.scenario) < ($1.key.path, $1.key.scenario) }
            .map { GroupSeries(path: $0.key.path, scenario: $0.key.scenario, histogram: EncodedHistogram($0.value)) }
        return set
    }

    private static func optionsEcho(options: Options, plan: ExecutionPlan, config: RunConfig,
                                    thresholdSources: [String: [String]]) -> OptionsEcho {
        var echo = OptionsEcho(
            scenarios: plan.scenarios.map { p in
                let s = p.scenario
                var echo = ScenarioEcho(name: p.name, executor: s.executor.name, description: s.executor.summary,
                                        startTimeSeconds: s.startTime.seconds, gracefulStopSeconds: s.gracefulStop.seconds)
                echo.durationSeconds = s.executor.activeDuration.seconds
                echo.tags = s.tags.isEmpty ? nil : s.tags
                switch s.executor {
                case .constantVUs(let c):
                    echo.vus = c.vus
                case .sharedIterations(let c):
                    echo.vus = c.vus
                    echo.iterations = c.iterations
                case .perVUIterations(let c):
                    echo.vus = c.vus
                    echo.iterations = c.iterations
                case .rampingVUs(let c):
                    echo.startVUs = c.startVUs
                    echo.stages = c.stages.map { StageEcho(target: $0.target, durationSeconds: $0.duration.seconds) }
                    echo.gracefulRampDownSeconds = c.gracefulRampDown.seconds
                case .constantArrivalRate(let a):
                    echo.rate = a.rate
                    echo.timeUnitSeconds = a.timeUnit.seconds
                    echo.preAllocatedVUs = a.preAllocatedVUs
                    echo.maxVUs = a.maxVUs
                case .rampingArrivalRate(let a):
                    echo.startRate = a.startRate
                    echo.timeUnitSeconds = a.timeUnit.seconds
                    echo.stages = a.stages.map { StageEcho(target: $0.target, durationSeconds: $0.duration.seconds) }
                    echo.preAllocatedVUs = a.preAllocatedVUs
                    echo.maxVUs = a.maxVUs
                }
                return echo
            },
            thresholds: thresholdSources,
            requestTimeoutSeconds: options.requestTimeout.seconds,
            insecureSkipTLSVerify: options.insecureSkipTLSVerify || config.insecure,
            maxRedirects: options.maxRedirects,
            envKeys: config.env.keys.sorted())
        echo.goodput = options.goodput.echo
        // Credentials in the URL (user:password@) are not written, as env values are not.
        echo.baseURL = (try? HTTPSettings.baseURL(options: options, env: Environment.current(overrides: config.env)))
            .flatMap { $0.map(URLCredentials.removed) }
        return echo
    }

    static var libcurlVersion: String {
        guard let info = curl_version_info(SL_CURLVERSION_NOW), let v = info.pointee.version else { return "" }
        return String(cString: v)
    }

    static func machine() -> MachineInfo {
        var u = utsname()
        uname(&u)
        func field<T>(_ t: T) -> String {
            withUnsafeBytes(of: t) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        }
        return MachineInfo(hostname: ProcessInfo.processInfo.hostName, os: "\(field(u.sysname)) \(field(u.release))",
                           arch: field(u.machine), cpus: ProcessInfo.processInfo.activeProcessorCount)
    }
}
