import ArgumentParser
import Foundation
import SwiftLoad

/// `swiftload run SCRIPT`: compile the scenario (or reuse the cached build) and run it.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a load test written in Swift.",
        discussion: """
            The scenario file is compiled against the SwiftLoad library and cached by content,
            so the second run of an unchanged file starts at once.

            --vus, --duration, --rate and --iterations override the script's scenarios for a
            quick run. Reports are written atomically, also when the run is interrupted.

            A test too big for one machine runs in segments: start `--segment 1/n` to
            `--segment n/n` (on as many machines, with one --start-at) and add their JSON
            results with `swiftload merge`. See docs/distributed.md.
            """)

    @Argument(help: "The scenario file (Swift source with a @main LoadTest type), or a folder made by 'swiftload build'.")
    var script: String

    @Option(help: "Virtual users (overrides the script).")
    var vus: Int?

    @Option(help: ArgumentHelp("How long to run, e.g. 30s, 1m30s, 500ms (overrides the script).", valueName: "duration"))
    var duration: DurationArgument?

    @Option(help: "Iterations per second, open model (overrides the script); fractions allowed, e.g. 0.5.")
    var rate: Double?

    @Option(help: "Total iterations (overrides the script).")
    var iterations: Int?

    @Option(help: "Worker threads (default: one per core).")
    var workers: Int?

    @Option(name: [.short, .customLong("env")], help: ArgumentHelp("Set a variable the scenario reads with vu.env (repeatable).", valueName: "KEY=VALUE"))
    var env: [String] = []

    @Option(name: [.short, .customLong("out")], help: ArgumentHelp("Write a report: json, html, csv, junit, ndjson, summary, markdown, gitlab or hlog, as FORMAT=PATH or FORMAT for reports/<script>-<time>.<ext>; or push the metrics live with prometheus-rw=URL (repeatable).", valueName: "FORMAT[=PATH]"))
    var out: [String] = []

    @Option(name: .customLong("threshold"), help: ArgumentHelp("Add a threshold, e.g. 'http_req_duration{name:home}:p(99)<200ms' (repeatable).", valueName: "THRESHOLD"))
    var thresholds: [String] = []

    @Option(help: ArgumentHelp("Scrape a Prometheus endpoint once a second while the load runs; its series go into the time series, reports and server: thresholds (repeatable).", valueName: "URL"))
    var scrape: [String] = []

    @Option(help: ArgumentHelp("Keep only scraped metric families whose name starts with PREFIX (repeatable; default: all).", valueName: "PREFIX"))
    var scrapeInclude: [String] = []

    @Flag(help: "Follow the run live in a browser: a page on 127.0.0.1:5665 (see --dashboard-address) that updates once a second and offers the HTML report at the end.")
    var dashboard = false

    @Option(help: ArgumentHelp("Where the dashboard serves its page (implies --dashboard).", valueName: "HOST:PORT"))
    var dashboardAddress: String?

    @Option(help: ArgumentHelp("A goodput SLO for LLM calls (repeatable): ttft:500ms, tpot:50ms or e2e:2s; llm_goodput counts the calls that meet them all.", valueName: "KEY:DURATION"))
    var goodput: [String] = []

    @Flag(name: .shortAndLong, help: "No progress output (the summary is still printed).")
    var quiet = false

    @Flag(help: "Skip TLS certificate verification.")
    var insecure = false

    @Flag(name: .customLong("no-cache"), help: "Compile the scenario again even if a cached build exists.")
    var noCache = false

    @Flag(help: "Show how the scenario is compiled.")
    var verbose = false

    @Option(help: "Seconds between progress lines when standard error is not a terminal.")
    var progressInterval = 10

    @Flag(help: "Exit with code 97 when the load generator, not the target, limited the measurement (the result is marked tainted either way).")
    var strict = false

    @Option(help: ArgumentHelp("Run only this part of the test: i/n (the i-th of n parts) or a:b (e.g. 1/4:2/4). Also SWIFTLOAD_SEGMENT, or JOB_COMPLETION_INDEX with SWIFTLOAD_SEGMENT_COUNT.", valueName: "segment"))
    var segment: String?

    @Option(help: ArgumentHelp("Start the load at this wall-clock time (RFC 3339 or seconds since 1970), so segments start together. Also SWIFTLOAD_START_AT.", valueName: "time"))
    var startAt: String?

    func validate() throws {
        do { _ = try GoodputSLO.parse(goodput) } catch { throw ValidationError(error.description) }
        let overrides = RunOverrides(vus: vus, duration: duration?.value, rate: rate, iterations: iterations)
        if let problem = overrides.validate().first { throw ValidationError(problem) }
        if let workers, workers < 1 || workers > 1024 { throw ValidationError("--workers must be between 1 and 1024 (got \(workers))") }
        if progressInterval < 1 || progressInterval > 86_400 { throw ValidationError("--progress-interval must be between 1 and 86400 (got \(progressInterval))") }
        if let segment, case .failure(let e) = ExecutionSegment.parse(segment) { throw ValidationError(e.description) }
        if let startAt, case .failure(let e) = StartBarrier.parse(startAt) { throw ValidationError(e.description) }
    }

    func run() throws {
        var config = RunConfig(scriptPath: script)
        config.overrides = RunOverrides(vus: vus, duration: duration?.value, rate: rate, iterations: iterations)
        config.workers = workers
        config.quiet = quiet
        config.insecure = insecure
        config.plainProgressInterval = progressInterval
        config.thresholds = thresholds
        config.strict = strict
        config.scrape = scrape
        config.scrapeInclude = scrapeInclude
        config.goodput = goodput
        if dashboard || dashboardAddress != nil { config.dashboard = dashboardAddress ?? "127.0.0.1:5665" }
        config.env = try Self.parseEnv(env)
        config.outputs = try out.map(outputSpec)
        if let segment { config.segment = try? ExecutionSegment.parse(segment).get() }
        if let startAt { config.startAt = try? StartBarrier.parse(startAt).get() }
        if let data = FileManager.default.contents(atPath: script) { config.scriptHash = SHA256.hex(data) }
        // Threshold syntax errors are reported before anything is compiled.
        for text in thresholds {
            do { _ = try ThresholdParser.parse(text) } catch { throw CLIError("--threshold: \(error)") }
        }

        // A folder made by `swiftload build` runs as it is: no compiler needed.
        if let bundle = ScenarioBundle.read(script) {
            config.scriptPath = script + "/" + bundle.script
            config.scriptHash = bundle.scriptHash
            try ScriptLauncher.exec(binary: script + "/bin/scenario", scriptPath: config.scriptPath!, config: config)
        }
        let layout = try SupportLayout.locate()
        let compiler = ScriptCompiler(layout: layout, verbose: verbose, quiet: quiet)
        let binary = try compiler.binary(for: script, rebuild: noCache)
        try ScriptLauncher.exec(binary: binary, scriptPath: script, config: config)
    }

    /// `--env KEY=VALUE` pairs as a dictionary.
    static func parseEnv(_ pairs: [String]) throws -> [String: String] {
        var env: [String: String] = [:]
        for pair in pairs {
            guard let eq = pair.firstIndex(of: "="), eq != pair.startIndex else {
                throw CLIError("--env expects KEY=VALUE, got '\(pair)'")
            }
            env[String(pair[..<eq])] = String(pair[pair.index(after: eq)...])
        }
        return env
    }

    private func outputSpec(_ text: String) throws -> OutputSpec {
        let format: String
        var path: String
        if let eq = text.firstIndex(of: "=") {
            format = String(text[..<eq])
            path = String(text[text.index(after: eq)...])
        } else {
            format = text
            path = ""
        }
        guard OutputSpec.formats.contains(format) else {
            throw CLIError("--out: unknown format '\(format)' (known: \(OutputSpec.formats.joined(separator: ", ")))")
        }
        if format == "prometheus-rw" {
            // A receiver, not a file.
            guard path.hasPrefix("http://") || path.hasPrefix("https://") else {
                throw CLIError("--out prometheus-rw expects the receiver's URL, e.g. prometheus-rw=http://127.0.0.1:9090/api/v1/write")
            }
            return OutputSpec(format: format, path: path)
        }
        if path.isEmpty {
            let stem = URL(fileURLWithPath: script).deletingPathExtension().lastPathComponent
            let stamp = Self.timestamp()
            path = "reports/\(stem)-\(stamp)\(OutputSpec.defaultSuffix(format))"
        }
        return OutputSpec(format: format, path: path)
    }

    static func timestamp() -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyyMMdd-HHmmss"
        return f.string(from: Date())
    }
}
