import ArgumentParser
import Foundation
import SwiftLoad

/// `swiftload inspect SCRIPT`: compile the scenario and print what `run` would do, without
/// sending anything. Exits 2 when the script does not compile or its options are invalid, so CI
/// can check scenario files on every change.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Compile a scenario and show its scenarios, planned duration and thresholds without running it.")

    @Argument(help: "The scenario file.")
    var script: String

    @Option(help: "Virtual users (as for run).")
    var vus: Int?

    @Option(help: ArgumentHelp("Duration override (as for run).", valueName: "duration"))
    var duration: DurationArgument?

    @Option(help: "Arrival rate override (as for run).")
    var rate: Double?

    @Option(help: "Iterations override (as for run).")
    var iterations: Int?

    @Option(help: "Worker threads (default: one per core).")
    var workers: Int?

    @Option(name: [.short, .customLong("env")], help: ArgumentHelp("Set a variable the scenario reads with vu.env (repeatable).", valueName: "KEY=VALUE"))
    var env: [String] = []

    @Option(name: .customLong("threshold"), help: ArgumentHelp("Add a threshold (repeatable).", valueName: "THRESHOLD"))
    var thresholds: [String] = []

    @Option(help: ArgumentHelp("Show this part of the test only (as for run).", valueName: "segment"))
    var segment: String?

    @Flag(name: .shortAndLong, help: "Do not say when the scenario is being compiled.")
    var quiet = false

    func run() throws {
        var config = RunConfig(scriptPath: script, inspectOnly: true)
        config.overrides = RunOverrides(vus: vus, duration: duration?.value, rate: rate, iterations: iterations)
        config.workers = workers
        if let segment {
            switch ExecutionSegment.parse(segment) {
            case .success(let s): config.segment = s
            case .failure(let e): throw CLIError(e.description)
            }
        }
        config.thresholds = thresholds
        config.env = try RunCommand.parseEnv(env)
        let compiler = ScriptCompiler(layout: try SupportLayout.locate(), verbose: false, quiet: quiet)
        let binary = try compiler.binary(for: script, rebuild: false)
        try ScriptLauncher.exec(binary: binary, scriptPath: script, config: config)
    }
}
