import Foundation
import SwiftLoad

/// Replaces this process with the compiled scenario, handing it the run configuration in an
/// environment variable. Exec (not a child process) keeps signals and the exit code direct:
/// Ctrl-C reaches the scenario's own handler and its exit code is the command's exit code.
enum ScriptLauncher {
    static func exec(binary: String, scriptPath: String, config: RunConfig) throws -> Never {
        let encoder = JSONEncoder()
        let json = try encoder.encode(config)
        setenv(RunConfig.environmentKey, String(decoding: json, as: UTF8.self), 1)
        fflush(nil)
        let args = [binary, scriptPath]
        var cargs = args.map { strdup($0) } + [nil]
        execv(binary, &cargs)
        throw CLIError("cannot start the compiled scenario \(binary): \(String(cString: strerror(errno)))", code: 1)
    }
}
