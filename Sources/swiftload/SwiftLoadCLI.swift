import ArgumentParser
import Foundation
import SwiftLoad

/// The `swiftload` command. Parse errors exit with code 2 (not ArgumentParser's 64) after one
/// line on standard error, so scripts and CI can tell bad input from a failed run.
@main
struct SwiftLoadCLI: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swiftload",
        abstract: "Load testing for HTTP and gRPC services, with scenarios written in Swift.",
        discussion: """
            Write a scenario as one Swift file and run it:

              swiftload run scenarios/quickstart.swift --env TARGET=http://127.0.0.1:8080

            Exit codes: 0 ok, 99 thresholds failed (compare: a regression), 2 usage, option, script or data errors,
            1 runtime failure, 108 aborted by the script, 130 interrupted (Ctrl-C),
            143 terminated (SIGTERM).
            """,
        version: VersionCommand.versionLine,
        subcommands: [RunCommand.self, InspectCommand.self, ReportCommand.self, CompareCommand.self, MergeCommand.self, BuildCommand.self, SweepCommand.self, VersionCommand.self])

    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as CLIError {
            error.exit()
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                // --help and --version land here.
                print(fullMessage(for: error))
                Foundation.exit(0)
            }
            var message = self.message(for: error)
            if message.isEmpty { message = String(describing: error) }
            let line = message.split(separator: "\n").first.map(String.init) ?? message
            CLIError(line.hasPrefix("Error: ") ? String(line.dropFirst(7)) : line,
                     hint: "see 'swiftload help'").exit()
        }
    }
}

/// An error the command line reports in one line, with its exit code.
struct CLIError: Error {
    var message: String
    var code: Int32 = 2
    var hint: String?

    init(_ message: String, code: Int32 = 2, hint: String? = nil) {
        self.message = message
        self.code = code
        self.hint = hint
    }

    func exit() -> Never {
        let text = hint.map { "error: \(message) (\($0))\n" } ?? "error: \(message)\n"
        FileHandle.standardError.write(Data(text.utf8))
        Foundation.exit(code)
    }
}
