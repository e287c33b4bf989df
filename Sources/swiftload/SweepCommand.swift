import ArgumentParser
import Foundation
import SwiftLoad

/// `swiftload sweep SCRIPT --slo 'p(99)<50ms'`: the highest arrival rate that meets every SLO.
/// A driver above ordinary runs: each window is one run of the compiled scenario at one rate
/// (`--rate`, `--duration`), judged by `SweepJudge`; `SweepSearch` picks the next rate.
struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Find the highest arrival rate (or concurrency) that meets your SLOs.",
        discussion: """
            swiftload sweep scenarios/mlserver_rest.swift --slo 'p(99)<50ms' --slo 'error_rate<1%' \\
                --from 20 --to 2000 -o json=sweep.json -o html=sweep.html

            Each rate runs in windows (--window each) until the last --stable of them agree within
            --tolerance (p99 and achieved rate), at most --windows; a window that shows
            saturation (dropped iterations, achieved below 90 % of offered) ends the rate. Rates
            double from --from until one fails, then bisect between the highest passing and the
            lowest failing rate to within 5 %. A rate passes when every SLO holds in its judged
            windows, the target keeps up and the generator did not limit the run (not tainted);
            a step the generator limited (a busy worker, late starts) is discarded and ends the
            sweep, whose answer is then a lower bound.
            An SLO is a threshold condition: 'p(99)<50ms' (http_req_duration), 'error_rate<1%'
            (http_req_failed), 'ttft p(99)<500ms' or 'tpot p(90)<50ms' (LLM calls: ttft, ttfot,
            itl, tpot, e2e), or any 'metric{filter}:condition'.
            --vus-from N --vus-to M sweeps concurrency instead (closed model: every scenario
            runs as that many constant VUs, as perf_analyzer's --concurrency-range), doubling the
            VUs and bisecting to neighbouring counts.
            Exit codes: 0 a rate met the SLOs, 99 none did, 2 bad input.
            """)

    @Argument(help: "The scenario file.")
    var script: String

    @Option(name: .customLong("slo"), help: ArgumentHelp("A service-level objective (repeatable): 'p(99)<50ms', 'error_rate<1%', or 'metric{tag:v}:condition'.", valueName: "SLO"))
    var slos: [String] = []

    @Option(help: "The first rate, iterations per second.")
    var from: Double = 10

    @Option(help: "The highest rate to try.")
    var to: Double = 10_000

    @Option(help: "A concurrency sweep instead (closed model, as perf_analyzer's --concurrency-range): the first VU count.")
    var vusFrom: Int?

    @Option(help: "The most VUs a concurrency sweep tries.")
    var vusTo: Int?

    @Option(help: ArgumentHelp("Length of one measurement window.", valueName: "duration"))
    var window: DurationArgument = DurationArgument(value: .seconds(5))

    @Option(help: "Windows per rate at most.")
    var windows = 5

    @Option(help: "Windows that must agree to call a rate stable.")
    var stable = 3

    @Option(help: "How far the stable windows' p99 and achieved rate may spread, as a fraction of their mean.")
    var tolerance = 0.10

    @Option(help: "VUs per rate (pre-allocated and maximum; default: the script's).")
    var vus: Int?

    @Option(help: "Worker threads (default: one per core).")
    var workers: Int?

    @Option(name: [.short, .customLong("env")], help: ArgumentHelp("Set a variable the scenario reads with vu.env (repeatable).", valueName: "KEY=VALUE"))
    var env: [String] = []

    @Option(name: [.short, .customLong("out")], help: ArgumentHelp("Write the sweep: json (every step, each with its last window's result) or html (the curve), as FORMAT=PATH (repeatable).", valueName: "FORMAT=PATH"))
    var out: [String] = []

    @Option(help: ArgumentHelp("Scrape a Prometheus endpoint once a second while the load runs; its series go into the time series, reports and server: thresholds (repeatable).", valueName: "URL"))
    var scrape: [String] = []

    @Option(help: ArgumentHelp("Keep only scraped metric families whose name starts with PREFIX (repeatable; default: all).", valueName: "PREFIX"))
    var scrapeInclude: [String] = []

    @Option(help: ArgumentHelp("A goodput SLO for LLM calls (repeatable): ttft:500ms, tpot:50ms or e2e:2s; llm_goodput counts the calls that meet them all.", valueName: "KEY:DURATION"))
    var goodput: [String] = []

    @Flag(help: "Skip TLS certificate verification.")
    var insecure = false

    @Flag(name: .shortAndLong, help: "Print only the table at the end.")
    var quiet = false

    func validate() throws {
        do { _ = try GoodputSLO.parse(goodput) } catch { throw ValidationError(error.description) }
        if slos.isEmpty { throw ValidationError("give at least one --slo, e.g. --slo 'p(99)<50ms'") }
        if !(from > 0) || !(to >= from) || to > 10_000_000.0 {
            throw ValidationError("--from and --to must be rates with 0 < from <= to <= \(Int(10_000_000.0)) (got \(from) and \(to))")
        }
        if windows < 1 || windows > 100 { throw ValidationError("--windows must be between 1 and 100 (got \(windows))") }
        if stable < 1 || stable > windows { throw ValidationError("--stable must be between 1 and --windows (got \(stable))") }
        if !(tolerance > 0 && tolerance < 1) { throw ValidationError("--tolerance must be a fraction between 0 and 1 (got \(tolerance))") }
        if window.value < .milliseconds(500) || window.value > .seconds(3600) { throw ValidationError("--window must be between 500ms and 1h") }
        if let vus, vus < 1 || vus > 1_000_000 { throw ValidationError("--vus must be between 1 and 1000000 (got \(vus))") }
        if (vusFrom == nil) != (vusTo == nil) { throw ValidationError("a concurrency sweep needs both --vus-from and --vus-to") }
        if let a = vusFrom, let b = vusTo, !(a >= 1 && b >= a && b <= 1_000_000) {
            throw ValidationError("--vus-from and --vus-to must be VU counts with 1 <= from <= to <= 1000000 (got \(a) and \(b))")
        }
    }

    func run() throws {
        // `exit` skips every pending `defer`: the scratch folder is removed before it.
        let code = try sweep()
        Foundation.exit(code)
    }

    /// Runs the sweep and writes its reports; returns the exit code.
    private func sweep() throws -> Int32 {
        let thresholds = try slos.map { slo in
            do { return try SweepSLO.threshold(slo) } catch { throw CLIError("--slo \(slo): \(error)") }
        }
        let outputs = try OutputArgument.parse(out, allowed: ["json", "html"])
        do { try ReportWriter.preflight(outputs.map(\.path)) } catch { throw CLIError("\(error)") }
        let layout = try SupportLayout.locate()
        let binary = try ScriptCompiler(layout: layout, quiet: quiet).binary(for: script, rebuild: false)
        // From here Ctrl-C and SIGTERM are passed to the window under way, and the sweep writes
        // the steps it finished (while compiling they stop it at once: nothing is measured yet).
        StopSignals.install()
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("swiftload-sweep-\(getpid())").path
        try? FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }

        var judge = SweepJudge()
        judge.maxWindows = windows
        judge.stableWindows = stable
        judge.tolerance = tolerance
        let concurrency = vusFrom != nil
        var search = concurrency ? SweepSearch(from: Double(vusFrom!), to: Double(vusTo!)) : SweepSearch(from: SweepSearch.round(from), to: to)
        search.integral = concurrency
        var steps: [SweepStep] = []
        var rate: Double? = search.first
        var windowNumber = 0
        var generatorLimitedAt: Double?
        var stopSignal: Int32?
        rates: while let r = rate {
            var results: [RunResult] = []
            while !judge.isDone(results, rate: concurrency ? nil : r) {
                if stopSignal == nil { stopSignal = StopSignals.take() }
                if stopSignal != nil { break rates }
                windowNumber += 1
                let path = "\(scratch)/window-\(windowNumber).json"
                var config = RunConfig(scriptPath: script)
                config.overrides = concurrency ? RunOverrides(duration: window.value, concurrency: Int(r))
                    : RunOverrides(vus: vus, duration: window.value, rate: r)
                config.workers = workers
                config.env = try RunCommand.parseEnv(env)
                config.thresholds = thresholds
                config.insecure = insecure
                config.scrape = scrape
                config.scrapeInclude = scrapeInclude
                config.goodput = goodput
                config.quiet = true
                config.outputs = [OutputSpec(format: "json", path: path)]
                let code = try Self.runWindow(binary: binary, script: script, config: config) { stopSignal = stopSignal ?? $0 }
                if code == LoadRunner.ExitCode.interrupted || code == LoadRunner.ExitCode.terminated {
                    // The window was cut short (by the signal passed on, or one sent to it alone).
                    stopSignal = stopSignal ?? (code == LoadRunner.ExitCode.terminated ? SIGTERM : SIGINT)
                }
                if stopSignal != nil { break rates }
                guard let result = try? ResultFile.read(path) else {
                    throw CLIError("the run at \(concurrency ? "\(Int(r)) VUs" : Self.rateText(r) + "/s") ended with exit code \(code) and no result", code: code == 2 ? 2 : 1)
                }
                results.append(result)
            }
            let step = concurrency ? judge.step(rate: nil, vus: Int(r), windows: results) : judge.step(rate: r, windows: results)
            steps.append(step)
            if !quiet {
                FileHandle.standardError.write(Data("\(concurrency ? "\(Int(r)) VUs" : Self.rateText(r) + "/s"): p99 \(DurationFormat.milliseconds(step.p99)), achieved \(Self.rateText(step.achievedRate))/s, \(step.passed ? "ok" : "fail: " + step.reasons.joined(separator: "; "))\n".utf8))
            }
            if step.discarded {
                // Higher steps would only load the generator more: stop, and say the answer is
                // a lower bound.
                generatorLimitedAt = r
                break rates
            }
            rate = search.next(after: r, passed: step.passed)
        }
        var result = SweepResult(script: script, slos: slos, mode: concurrency ? "concurrency" : "rate",
                                 highestPassingRate: search.highestPass,
                                 lowestFailingRate: search.lowestFail, steps: steps,
                                 exitCode: search.highestPass != nil ? 0 : LoadRunner.ExitCode.thresholdsFailed)
        result.generatorLimitedAt = generatorLimitedAt
        if let stopSignal {
            FileHandle.standardError.write(Data("sweep interrupted: writing the steps measured so far\n".utf8))
            result.interruptedBy = stopSignal == SIGTERM ? "SIGTERM" : "SIGINT"
            result.exitCode = stopSignal == SIGTERM ? LoadRunner.ExitCode.terminated : LoadRunner.ExitCode.interrupted
        }
        FileHandle.standardOutput.write(Data(SweepReport.console(result).utf8))
        for o in outputs {
            let data: Data
            if o.format == "json" {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                data = try encoder.encode(result)
            } else {
                data = Data(SweepReport.html(result).utf8)
            }
            do { try AtomicFile.write(data, to: o.path) } catch { throw CLIError("\(error)", code: 1) }
            FileHandle.standardError.write(Data("wrote \(o.format) sweep: \(o.path)\n".utf8))
        }
        return Int32(result.exitCode)
    }

    static func rateText(_ r: Double) -> String { String(format: r >= 100 ? "%.0f" : "%.3g", r) }

    /// Runs one window as a child process and returns its exit code; a stop signal taken
    /// meanwhile is passed on to the window and to `onSignal`.
    static func runWindow(binary: String, script: String, config: RunConfig, onSignal: (Int32) -> Void) throws -> Int {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = [script]
        var environment = ProcessInfo.processInfo.environment
        environment[RunConfig.environmentKey] = String(decoding: try JSONEncoder().encode(config), as: UTF8.self)
        p.environment = environment
        p.standardOutput = FileHandle.nullDevice
        // A window's own messages ("wrote json report: …") are noise in a sweep; they are shown
        // only when the window ended in something other than a verdict.
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("swiftload-window-\(getpid()).log")
        // If it cannot be made, the handle below is nil and the window's messages go to ours.
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: log) }
        p.standardError = try? FileHandle(forWritingTo: log)
        do { try p.run() } catch { throw CLIError("cannot start the compiled scenario: \(error.localizedDescription)", code: 1) }
        // Foundation starts the window in a process group of its own, so a Ctrl-C at the
        // terminal reaches the sweep alone and the window gets it once, from here.
        while p.isRunning {
            if let s = StopSignals.take() {
                kill(p.processIdentifier, s)
                onSignal(s)
            }
            usleep(20_000)
        }
        let code = Int(p.terminationStatus)
        if ![LoadRunner.ExitCode.ok, LoadRunner.ExitCode.thresholdsFailed, LoadRunner.ExitCode.tainted,
             LoadRunner.ExitCode.interrupted, LoadRunner.ExitCode.terminated].contains(code),
           let text = try? String(contentsOf: log, encoding: .utf8) {
            FileHandle.standardError.write(Data(text.utf8))
        }
        return code
    }
}
