import CEpoll
import Foundation

/// Runs a load test in this process: plans it, starts the workers, merges their snapshots once
/// a second, handles Ctrl-C, evaluates thresholds and returns the result.
public enum LoadRunner {
    /// Exit codes, as k6 uses them where it has one.
    public enum ExitCode {
        public static let ok = 0
        public static let runtimeFailure = 1
        public static let usage = 2
        public static let thresholdsFailed = 99
        /// The script stopped the run: `vu.abortTest(_:)`, or a unique feeder ran dry (k6's
        /// ScriptAborted code).
        public static let scriptAborted = 108
        /// `--strict`: the load generator, not the target, limited the measurement (`GeneratorCheck`).
        public static let tainted = 97
        public static let interrupted = 130
        public static let terminated = 143
    }

    /// Runs `script` under `options` and `config`.
    ///
    /// - Parameters:
    ///   - handleSignals: take SIGINT/SIGTERM: the first stops the run (in-flight requests are
    ///     interrupted) and the result is marked interrupted; a second stops waiting for workers.
    ///   - progress: receives the run's progress once a second.
    ///   - onPoint: receives each one-second point as it closes.
    ///   - onIntervalHistogram: receives each point with its request durations (all names), for
    ///     an HdrHistogram interval log.
    ///   - onStart: called as the load starts, with its planned length.
    ///   - onThresholds: receives the live threshold verdicts each time they are evaluated.
    /// - Throws: `ConfigurationError` for any problem in the options or thresholds, all at once.
    public static func run(script: nonisolated(nonsending) @escaping @Sendable (VU) async throws -> Void, options: Options,
                           config: RunConfig, hooks: TestHooks = TestHooks(), handleSignals: Bool = false,
                           progress: ProgressView? = nil,
                           onPoint: ((TimeSeriesPoint) -> Void)? = nil,
                           onIntervalHistogram: ((TimeSeriesPoint, LatencyHistogram) -> Void)? = nil,
                           onStart: ((_ plannedSeconds: Double) -> Void)? = nil,
                           onThresholds: (([ThresholdOutcome]) -> Void)? = nil) throws(ConfigurationError) -> RunResult {
        let (effective, thresholds, sources, plan) = try prepare(options: options, config: config)

        CurlMulti.globalInit()
        if handleSignals { sl_block_stop_signals() }
        defer { if handleSignals { sl_unblock_stop_signals() } }

        let env = Environment.current(overrides: config.env)
        var settings = HTTPSettings(options: effective, insecureOverride: config.insecure)
        settings.baseURL = try HTTPSettings.baseURL(options: effective, env: env)
        ExecutionSegment.running = plan.segment

        // setup() runs on a VU of its own before any scenario; what it returns reaches every VU.
        let setupBox = SetupBox()
        var phases: [Recorder] = []
        if let setup = hooks.setup {
            let (recorder, failure, signal) = runPhase("setup", settings: settings, env: env, watchSignals: handleSignals) { vu in
                setupBox.set(try await setup(vu))
            }
            phases.append(recorder)
            if signal != 0 {
                throw ConfigurationError(["interrupted by \(signal == SIGTERM ? "SIGTERM" : "SIGINT") during setup; no load was sent"],
                                         exitCode: signal == SIGTERM ? ExitCode.terminated : ExitCode.interrupted)
            }
            if let failure { throw ConfigurationError(["setup failed: \(failure)"], exitCode: ExitCode.runtimeFailure) }
        }
        let setupData = SetupData(setupBox.get())

        // Server metrics: a baseline scrape before the load, so the first second has rates and
        // the counters' totals start from here.
        let scraper = effective.scrape.targets.isEmpty ? nil
            : ServerScraper(targets: effective.scrape.targets, interval: effective.scrape.interval)
        let baseline = scraper?.scrapeNow() ?? []
        for o in baseline where o.error != nil { progress?.warn("scrape \(o.target): \(o.error!) (the run goes on; the failures are in the report)") }

        // Segments on several machines start together: wait for the agreed wall-clock instant.
        if let startAt = config.startAt {
            let signal = StartBarrier.wait(until: startAt, watchSignals: handleSignals, progress: progress)
            if signal != 0 {
                throw ConfigurationError(["interrupted by \(signal == SIGTERM ? "SIGTERM" : "SIGINT") while waiting for --start-at; no load was sent"],
                                         exitCode: signal == SIGTERM ? ExitCode.terminated : ExitCode.interrupted)
            }
        }

        let mailbox = SnapshotMailbox()
        let names = RequestNameCap(limit: effective.maxRequestNames)
        var warned = false
        // A short lead lets every thread be up before the first iteration is due. The wall
        // clock is read at the same instant: results of several segments align on it.
        let lead: UInt64 = 20_000_000
        let wallStart = Date(timeIntervalSinceNow: Double(lead) / 1e9)
        let testStart = MonotonicClock.now() &+ lead
        let workers = (0..<plan.workerCount).map {
            Worker(index: $0, plan: plan, settings: settings, env: env, testStart: testStart,
                   mailbox: mailbox, names: names, hooks: hooks, setupData: setupData, script: script)
        }
        let aggregator = Aggregator(workerCount: plan.workerCount, testStart: testStart)
        aggregator.keepsIntervalHistograms = onIntervalHistogram != nil
        let server = scraper.map { _ in
            ServerMetricsStore(targets: effective.scrape.targets, include: effective.scrape.include,
                               maxSeries: effective.scrape.maxSeries, testStart: testStart)
        }
        aggregator.server = server
        baseline.forEach { server?.add($0) }
        progress?.begin(plan: plan)
        onStart?(Double(plan.plannedDuration) / 1e9)
        let cpuAtStart = ProcessCPU.seconds()
        workers.forEach { $0.start() }
        scraper?.start(testStart: testStart)

        // Each closed one-second point goes to `onPoint` once, as soon as it closes.
        func emitPoints() {
            let new = aggregator.takeNewPoints()
            for (p, h) in new {
                onPoint?(p)
                if let h { onIntervalHistogram?(p, h) }
            }
        }
        var stop: StopReason?
        // Thresholds are evaluated live each time a second closes: the progress line shows how
        // many fail, and an `abortOnFail` one that fails stops the run (exit 99).
        var evaluatedPoints = 0
        var giveUpAt: UInt64?
        var secondSignal = false
        while !aggregator.allFinished {
            let signal: Int32
            if handleSignals {
                signal = sl_wait_stop_signal(50_000_000)
            } else {
                usleep(50_000)
                signal = 0
            }
            if signal != 0 {
                if stop == nil {
                    stop = .signal(signal)
                    progress?.stopping()
                    workers.forEach { $0.interruptFromOutside() }
                    giveUpAt = MonotonicClock.now() &+ 5_000_000_000
                } else {
                    secondSignal = true
                    break   // a second signal: stop waiting and report what arrived
                }
            }
            if stop == nil, let abort = mailbox.abortRequest {
                // The script asked to stop the run (a unique feeder ran dry, abortTest, unreadable
                // test data): stop as on Ctrl-C.
                stop = .script(abort.reason, exitCode: abort.exitCode)
                progress?.stopping()
                workers.forEach { $0.interruptFromOutside() }
                giveUpAt = MonotonicClock.now() &+ 5_000_000_000
            }
            // Scrapes first: a point closing in this pass takes the values scraped during it.
            for o in scraper?.takeAll() ?? [] { server?.add(o) }
            for s in mailbox.takeAll() { aggregator.add(s) }
            if !warned, let w = names.warning {
                warned = true
                progress?.warn(w)
            }
            emitPoints()
            if !thresholds.isEmpty, aggregator.closedPoints > evaluatedPoints {
                evaluatedPoints = aggregator.closedPoints
                let seconds = Double(MonotonicClock.now() &- testStart) / 1e9
                let live = ThresholdEvaluator(totals: aggregator.totals, elapsedSeconds: seconds,
                                              allRequests: aggregator.allRequests, server: server)
                let outcomes = thresholds.map { live.evaluate($0) }
                progress?.liveThresholds = (outcomes.filter { !$0.passed && $0.actual != nil }.count, outcomes.count)
                onThresholds?(outcomes)
                if stop == nil,
                   let i = thresholds.indices.first(where: { thresholds[$0].abortOnFail && seconds >= thresholds[$0].abortDelaySeconds
                                                              && outcomes[$0].actual != nil && !outcomes[$0].passed }) {
                    stop = .threshold("threshold \(thresholds[i]) failed (\(outcomes[i].actualText)) with abortOnFail")
                    progress?.stopping()
                    workers.forEach { $0.interruptFromOutside() }
                    giveUpAt = MonotonicClock.now() &+ 5_000_000_000
                }
            }
            progress?.update(aggregator: aggregator, now: MonotonicClock.now())
            if let g = giveUpAt, MonotonicClock.now() > g { break }
        }
        let elapsed = Double(MonotonicClock.now() &- testStart) / 1e9
        let cpuSeconds = ProcessCPU.seconds() - cpuAtStart
        if let scraper, let server {
            // The final scrape, after the last response, closes the counters' totals.
            scraper.stop()
            for o in scraper.takeAll() + scraper.scrapeNow() { server.add(o) }
        }
        for s in mailbox.takeAll() { aggregator.add(s) }
        aggregator.flush()
        emitPoints()
        progress?.finish()

        // teardown() runs after the load, also after Ctrl-C (it cleans up what setup made, as in
        // k6); a second signal, before or during it, skips it.
        if let teardown = hooks.teardown, !secondSignal {
            let (recorder, failure, _) = runPhase("teardown", settings: settings, env: env, setupData: setupData,
                                                  watchSignals: handleSignals) { vu in
                try await teardown(vu)
            }
            phases.append(recorder)
            if let failure {
                // Reported with the script errors; the load already ran, so the exit code stands.
                recorder.scenario("teardown").recordScriptError("teardown failed: \(failure)")
            }
        }
        for r in phases { aggregator.addPhase(r) }

        let evaluator = ThresholdEvaluator(totals: aggregator.totals, elapsedSeconds: elapsed, server: server)
        let outcomes = thresholds.map { evaluator.evaluate($0) }
        let taint = GeneratorCheck.reasons(busy: aggregator.busy, totals: aggregator.totals)
        var exitCode = stop?.exitCode ?? (outcomes.allSatisfy(\.passed) ? ExitCode.ok : ExitCode.thresholdsFailed)
        // Under --strict a tainted measurement is its own failure: its thresholds judged the generator.
        if stop == nil && config.strict && !taint.isEmpty { exitCode = ExitCode.tainted }
        var builder = ResultBuilder.forRun(
            options: effective, plan: plan, config: config, totals: aggregator.totals, points: aggregator.points,
            thresholds: outcomes, thresholdSources: sources, startTime: wallStart, elapsedSeconds: elapsed,
            stop: stop, exitCode: exitCode, cpuSeconds: cpuSeconds,
            warnings: (names.warning.map { [$0] } ?? []) + (server?.warnings ?? []),
            allRequests: aggregator.allRequests, taint: taint)
        builder.serverMetrics = server?.result
        return builder.build()
    }

    /// The options with the command line's overrides applied, the parsed thresholds and the
    /// plan; throws every problem with them at once.
    private static func prepare(options: Options, config: RunConfig) throws(ConfigurationError)
        -> (Options, [Threshold], [String: [String]], ExecutionPlan) {
        // The overrides are checked before they are applied: applying a huge one would already
        // overflow the schedule's arithmetic.
        let overrideProblems = config.overrides.validate()
        if !overrideProblems.isEmpty { throw ConfigurationError(overrideProblems) }
        var effective = config.overrides.apply(to: options)
        effective.scrape.targets += config.scrape
        effective.scrape.include += config.scrapeInclude
        var problems = Self.validate(effective)
        if !config.goodput.isEmpty {
            do { effective.goodput = try GoodputSLO.parse(config.goodput) } catch { problems += error.problems }
        }
        if let startAt = config.startAt, let problem = StartBarrier.problem(startAt) { problems.append(problem) }
        let (thresholds, sources) = parseThresholds(effective, cli: config.thresholds, problems: &problems)
        let workerCount = config.workers ?? effective.workers ?? ProcessInfo.processInfo.activeProcessorCount
        let plan: ExecutionPlan
        do {
            plan = try ExecutionPlan.make(options: effective, workers: workerCount, segment: config.segment ?? .whole)
        } catch {
            throw ConfigurationError(problems + error.problems)
        }
        if !problems.isEmpty { throw ConfigurationError(problems) }
        return (effective, thresholds, sources, plan)
    }

    /// Every problem with the options outside the scenarios (each scenario checks its own).
    static func validate(_ o: Options) -> [String] {
        var problems: [String] = []
        if o.maxRedirects < 0 { problems.append("maxRedirects must not be negative (got \(o.maxRedirects))") }
        Limits.check("maxRedirects", o.maxRedirects, atMost: Limits.maxRedirects, into: &problems)
        if o.maxRequestNames < 1 { problems.append("maxRequestNames must be at least 1 (got \(o.maxRequestNames))") }
        Limits.check("maxRequestNames", o.maxRequestNames, atMost: Limits.maxRequestNames, into: &problems)
        if o.requestTimeout <= .zero { problems.append("requestTimeout must be positive") }
        Limits.check("requestTimeout", o.requestTimeout, atMost: Limits.maxRequestTimeout, into: &problems)
        if let w = o.workers, w < 1 || w > 1024 { problems.append("workers must be between 1 and 1024 (got \(w))") }
        if o.http2.connectionsPerTarget < 1 { problems.append("http2.connectionsPerTarget must be at least 1 (got \(o.http2.connectionsPerTarget))") }
        Limits.check("http2.connectionsPerTarget", o.http2.connectionsPerTarget, atMost: Limits.maxHTTP2Connections, into: &problems)
        if o.http2.maxConcurrentStreams < 1 { problems.append("http2.maxConcurrentStreams must be at least 1 (got \(o.http2.maxConcurrentStreams))") }
        Limits.check("http2.maxConcurrentStreams", o.http2.maxConcurrentStreams, atMost: Int(Int32.max), into: &problems)
        if o.grpcMaxMessageSize < 1 { problems.append("grpcMaxMessageSize must be at least 1 (got \(o.grpcMaxMessageSize))") }
        Limits.check("grpcMaxMessageSize", o.grpcMaxMessageSize, atMost: Limits.maxGRPCMessageSize, into: &problems)
        problems += o.scrape.validate()
        if let b = o.baseURL, !(b.hasPrefix("http://") || b.hasPrefix("https://")) {
            problems.append("baseURL must start with http:// or https:// (got \"\(b)\")")
        }
        for (key, d) in [("ttft", o.goodput.ttft), ("tpot", o.goodput.tpot), ("e2e", o.goodput.e2e)] {
            if let d, d <= .zero || d > Limits.maxRequestTimeout { problems.append("goodput.\(key) must be positive and at most \(DurationFormat.string(Limits.maxRequestTimeout))") }
        }
        return problems
    }

    /// What `run` would do, without running: each scenario's executor, start and stop, the
    /// planned length and the thresholds (`swiftload inspect`). Validates like `run`.
    public static func inspect(options: Options, config: RunConfig) throws(ConfigurationError) -> String {
        let (_, _, sources, plan) = try prepare(options: options, config: config)
        var out: [String] = []
        for p in plan.scenarios {
            var line = "scenario \(p.name): \(p.scenario.executor.name), \(p.scenario.executor.summary)"
            if p.scenario.startTime > .zero { line += ", starts at \(DurationFormat.string(p.scenario.startTime))" }
            line += ", graceful stop \(DurationFormat.string(p.scenario.gracefulStop))"
            if !p.scenario.tags.isEmpty {
                line += ", tags " + p.scenario.tags.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            }
            if p.scenario.exec != nil { line += ", own iteration" }
            out.append(line)
        }
        if !plan.segment.isWhole {
            out.append("segment \(plan.segment) of the test (\(String(format: "%.4g", plan.segment.fraction * 100))% of its VUs, iterations and arrivals)")
        }
        out.append("planned duration \(DurationFormat.string(Duration(nanoseconds: plan.plannedDuration)))"
                   + " (at most \(DurationFormat.string(Duration(nanoseconds: plan.maxDuration))) with graceful stops)"
                   + " on \(plan.workerCount) worker\(plan.workerCount == 1 ? "" : "s")")
        if !sources.isEmpty {
            out.append("thresholds")
            for key in sources.keys.sorted() {
                for condition in sources[key]! { out.append("  \(key): \(condition)") }
            }
        }
        return out.joined(separator: "\n") + "\n"
    }

    /// Runs `body` once on a single VU in a scenario named `name` (set-up and tear-down) and
    /// returns what it recorded, its error if any, and the stop signal that interrupted it (or
    /// 0). Bounded by a minute, as k6's setupTimeout.
    private static func runPhase(_ name: String, settings: HTTPSettings, env: Environment,
                                 setupData: SetupData = SetupData(nil), watchSignals: Bool,
                                 _ body: @escaping @Sendable (VU) async throws -> Void) -> (Recorder, String?, Int32) {
        let failure = FailureBox()
        let options = Options(scenarios: [name: .perVUIterations(vus: 1, iterations: 1, maxDuration: .seconds(60),
                                                                 gracefulStop: .zero)])
        guard let plan = try? ExecutionPlan.make(options: options, workers: 1) else { return (Recorder(), nil, 0) }
        let mailbox = SnapshotMailbox()
        let worker = Worker(index: 0, plan: plan, settings: settings, env: env, testStart: MonotonicClock.now(),
                            mailbox: mailbox, names: RequestNameCap(limit: 1000), setupData: setupData) { vu in
            do { try await body(vu) } catch { failure.set(error is Interrupted ? "did not finish within 60s" : "\(error)") }
        }
        worker.start()
        let totals = Recorder()
        var finished = false
        var signal: Int32 = 0
        while !finished {
            if watchSignals {
                let s = sl_wait_stop_signal(2_000_000)
                if s != 0 && signal == 0 {
                    signal = s
                    worker.interruptFromOutside()
                }
            } else {
                usleep(2_000)
            }
            for s in mailbox.takeAll() {
                totals.merge(s.recorder)
                if s.isFinal { finished = true }
            }
        }
        // The phase's requests stay (under scenario `name`); its single iteration is not load and
        // must not count towards `iterations` or `vus_max`.
        totals.scenarios.removeValue(forKey: name)
        return (totals, signal == 0 ? failure.get() : nil, signal)
    }

    /// Parses the script's and the command line's thresholds, collecting every syntax error.
    static func parseThresholds(_ options: Options, cli: [String],
                                problems: inout [String]) -> ([Threshold], [String: [String]]) {
        var parsed: [Threshold] = []
        var sources: [String: [String]] = [:]
        for key in options.thresholds.keys.sorted() {
            for expression in options.thresholds[key]!.expressions {
                do {
                    let t = try ThresholdParser.parse(metricKey: key, condition: expression)
                    parsed.append(t)
                    sources[t.metricKey, default: []].append(t.source)
                } catch {
                    problems.append("in thresholds[\"\(key)\"]: \(error)")
                }
            }
        }
        for text in cli {
            do {
                let t = try ThresholdParser.parse(text)
                parsed.append(t)
                sources[t.metricKey, default: []].append(t.source)
            } catch {
                problems.append("--threshold: \(error)")
            }
        }
        return (parsed, sources)
    }
}

/// Hands setup()'s result from its worker thread to the coordinator (written once, then read).
private final class SetupBox: @unchecked Sendable {
    private let lock = NSLock()
    private var value: (any Sendable)?
    func set(_ v: (any Sendable)?) { lock.lock(); value = v; lock.unlock() }
    func get() -> (any Sendable)? { lock.lock(); defer { lock.unlock() }; return value }
}

private final class FailureBox: @unchecked Sendable {
    private let lock = NSLock()
    private var message: String?
    func set(_ m: String) { lock.lock(); message = m; lock.unlock() }
    func get() -> String? { lock.lock(); defer { lock.unlock() }; return message }
}
