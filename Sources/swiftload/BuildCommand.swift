import ArgumentParser
import Foundation
import SwiftLoad

/// `swiftload build SCRIPT -o DIR`: a scenario compiled into a relocatable folder that runs
/// without a Swift toolchain (a pod, a Ray worker, a CI runner); see `ScenarioBundle`.
struct BuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Compile a scenario into a folder that runs where no Swift toolchain is installed.",
        discussion: """
            swiftload build scenarios/quickstart.swift -o build/quickstart
            build/quickstart/run -e TARGET=http://10.0.0.5:8080 --segment 1/4 -o json=seg1.json

            DIR/run takes the options of 'swiftload run' (and runs 'merge', 'report' and
            'compare' as 'DIR/run merge …'). The folder holds the compiled scenario, this
            swiftload and the Swift runtime libraries; the machine needs only the Debian packages
            listed in DIR/bundle.json. See docs/distributed.md.
            """)

    @Argument(help: "The scenario file.")
    var script: String

    @Option(name: [.short, .customLong("output")], help: ArgumentHelp("The folder to write (replaced if it holds an earlier build).", valueName: "DIR"))
    var output: String

    @Option(name: .customLong("include"), help: ArgumentHelp("Copy a data file or folder the scenario reads (a feeder's CSV) into the bundle, at its path relative to the scenario (repeatable).", valueName: "PATH"))
    var includes: [String] = []

    @Flag(name: .customLong("no-cache"), help: "Compile the scenario again even if a cached build exists.")
    var noCache = false

    @Flag(name: .shortAndLong, help: "Do not say when the scenario is being compiled.")
    var quiet = false

    func run() throws {
        let layout = try SupportLayout.locate()
        let binary = try ScriptCompiler(layout: layout, quiet: quiet).binary(for: script, rebuild: noCache)
        try ScenarioBundle.write(script: script, binary: binary, includes: includes, into: output)
        FileHandle.standardError.write(Data("built \(script) into \(output) (run it as \(output)/run)\n".utf8))
    }
}
