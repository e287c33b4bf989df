import Foundation

/// What a compiled scenario's `main` does: read the run configuration from `swiftload run`,
/// run, print the summary, write the requested reports and exit with the run's code.
@usableFromInline
enum ScriptMain {
    /// `iteration` is `T.iteration`, wrapped where `T` is concrete (`LoadTest.main`).
    @usableFromInline
    static func run<T: LoadTest>(_ test: T.Type,
                                 iteration: nonisolated(nonsending) @escaping @Sendable (VU) async throws -> Void) -> Never {
        var config: RunConfig
        if let raw = ProcessInfo.processInfo.environment[RunConfig.environmentKey] {
            do {
                config = try JSONDecoder().decode(RunConfig.self, from: Data(raw.utf8))
            } catch {
                fail("cannot read \(RunConfig.environmentKey): \(error)", code: LoadRunner.ExitCode.usage)
            }
        } else {
            config = RunConfig(scriptPath: CommandLine.arguments.first)
        }
        // In a pod or under a launcher the environment names the segment and the start.
        let environment = ProcessInfo.processInfo.environment
        do {
            if config.segment == nil { config.segment = try SegmentEnvironment.segment(environment).get() }
            if config.startAt == nil { config.startAt = try SegmentEnvironment.startAt(environment).get() }
        } catch {
            fail(error.description, code: LoadRunner.ExitCode.usage)
        }
        // Every report must have somewhere to go before any load is sent.
        do {
            try ReportWriter.preflight(config.outputs.filter { $0.format != "prometheus-rw" }.flatMap { o -> [String] in
                o.format == "csv" ? [CSVReport.paths(o.path).stats, CSVReport.paths(o.path).history, CSVReport.paths(o.path).failures] : [o.path]
            })
        } catch {
            fail("\(error) (nothing was run)", code: LoadRunner.ExitCode.usage)
        }
        var streams: [NDJSONStream] = []
        for output in config.outputs where output.format == "ndjson" {
            do {
                streams.append(try NDJSONStream(path: output.path))
            } catch {
                fail("\(error) (nothing was run)", code: LoadRunner.ExitCode.usage)
            }
        }
        var logs: [HdrIntervalLog] = []
        for output in config.outputs where output.format == "hlog" {
            do {
                logs.append(try HdrIntervalLog(path: output.path))
            } catch {
                fail("\(error) (nothing was run)", code: LoadRunner.ExitCode.usage)
            }
        }
        var pushes = config.outputs.filter { $0.format == "prometheus-rw" }
            .map { PrometheusRemoteWriter(url: $0.path, start: Date(), env: config.env) }
        var dashboard: DashboardServer?
        if let address = config.dashboard, !config.inspectOnly {
            do {
                dashboard = try DashboardServer(address: address, script: config.scriptPath)
                FileHandle.standardError.write(Data("dashboard: \(dashboard!.url)\n".utf8))
            } catch {
                fail("\(error) (nothing was run)", code: LoadRunner.ExitCode.usage)
            }
        }
        // Options may read --env values (LoadTest.options(_:)).
        let options = T.options(Environment.current(overrides: config.env))
        let progress = ProgressView.automatic(quiet: config.quiet, plainEverySeconds: config.plainProgressInterval)
        ScriptLocation.set(scriptPath: config.scriptPath)
        if config.inspectOnly {
            do {
                FileHandle.standardOutput.write(Data(try LoadRunner.inspect(options: options, config: config).utf8))
                exit(0)
            } catch {
                for problem in error.problems { FileHandle.standardError.write(Data("error: \(problem)\n".utf8)) }
                exit(Int32(error.exitCode))
            }
        }
        let result: RunResult
        do {
            let scenarioNames = config.overrides.apply(to: options).scenarios.keys.sorted()
            for s in streams { s.start(script: config.scriptPath, scenarios: scenarioNames) }
            for l in logs { l.start(at: Date(), script: config.scriptPath) }
            result = try LoadRunner.run(script: iteration, options: options, config: config,
                                        hooks: T.hooks, handleSignals: true, progress: progress,
                                        onPoint: streams.isEmpty && dashboard == nil ? nil : { [dashboard] p in
                                            for s in streams { s.point(p) }
                                            dashboard?.point(p)
                                        },
                                        onIntervalHistogram: logs.isEmpty && pushes.isEmpty ? nil : { [pushes] p, h in
                                            for l in logs { l.interval(p, h) }
                                            for w in pushes { w.interval(p, h) }
                                        },
                                        onStart: { [dashboard] in dashboard?.started(plannedSeconds: $0) },
                                        onThresholds: { [dashboard] in dashboard?.thresholds($0) })
        } catch {
            for problem in error.problems { FileHandle.standardError.write(Data("error: \(problem)\n".utf8)) }
            exit(Int32(error.exitCode))
        }
        FileHandle.standardOutput.write(Data(ConsoleSummary.render(result).utf8))
        if let reason = result.run.interruptReason, !result.run.stoppedBySignal {
            // The script stopped the run: say why where errors go, not only in the summary.
            FileHandle.standardError.write(Data("error: run stopped: \(reason)\n".utf8))
        }
        var code = result.exitCode
        for s in streams { s.end(result) }
        for output in config.outputs {
            do {
                if output.format == "hlog" {
                    try logs.removeFirst().finish()
                } else if output.format == "prometheus-rw" {
                    // A receiver that failed is reported, not a failed run: the measurement stands.
                    if let problem = pushes.removeFirst().finish() {
                        FileHandle.standardError.write(Data("warning: \(problem)\n".utf8))
                    }
                    FileHandle.standardError.write(Data("pushed metrics to \(output.path)\n".utf8))
                    continue
                } else if output.format != "ndjson" {
                    try ReportWriter.write(result, format: output.format, to: output.path)
                }
                FileHandle.standardError.write(Data("wrote \(output.format) report: \(output.path)\n".utf8))
            } catch {
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                code = LoadRunner.ExitCode.runtimeFailure
            }
        }
        // Last, so every report is on disk while an open page fetches the final numbers.
        dashboard?.finish(result)
        exit(Int32(code))
    }

    static func fail(_ message: String, code: Int) -> Never {
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
        exit(Int32(code))
    }
}
