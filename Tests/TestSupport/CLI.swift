import Foundation

/// Runs the built `swiftload` command as a user would.
public enum CLI {
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String

        public init(status: Int32, stdout: String, stderr: String) {
            self.status = status
            self.stdout = stdout
            self.stderr = stderr
        }
    }

    /// A cache folder shared by the tests of this process, so one scenario compiles once.
    public static let cacheDir = Paths.temporaryDirectory("swiftload-cache")

    /// Runs `swiftload ARGS` in `directory` and waits up to `timeout` seconds.
    public static func run(_ arguments: [String], environment: [String: String] = [:], in directory: String? = nil,
                           timeout: Double = 120, executable: String = Paths.swiftload) throws -> Result {
        let logDir = Paths.temporaryDirectory("cli")
        var env = ["SWIFTLOAD_CACHE_DIR": cacheDir]
        env.merge(environment) { _, b in b }
        let child = try ChildProcess(executable, arguments, environment: env, currentDirectory: directory,
                                     logDir: logDir, name: "swiftload")
        let status = child.wait(timeout: timeout)
        return Result(status: status, stdout: child.stdout, stderr: child.stderr)
    }

    /// Starts `swiftload ARGS` without waiting (for signal tests).
    public static func start(_ arguments: [String], environment: [String: String] = [:],
                             in directory: String? = nil) throws -> ChildProcess {
        var env = ["SWIFTLOAD_CACHE_DIR": cacheDir]
        env.merge(environment) { _, b in b }
        return try ChildProcess(Paths.swiftload, arguments, environment: env, currentDirectory: directory,
                                logDir: Paths.temporaryDirectory("cli"), name: "swiftload")
    }

    /// Writes a scenario file into a new folder and returns its path.
    public static func writeScenario(_ source: String, name: String = "scenario.swift") throws -> String {
        let dir = Paths.temporaryDirectory("scenario")
        let path = dir + "/" + name
        try source.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}
