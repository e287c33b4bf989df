import Foundation
import Synchronization

/// A process a test started: stopped by its PID, never by name. One still running when the test
/// process exits (a server a suite keeps in a `static let`, which is never deinitialised) is
/// stopped then.
public final class ChildProcess: @unchecked Sendable {
    /// Every process started, weakly: one the test stopped, or that ended and was reaped (its
    /// PID may belong to another process by then), reads as not running and is left alone.
    private struct Started: @unchecked Sendable { weak var child: ChildProcess? }
    private static let started = Mutex<[Started]>([])
    private static let stopAtExit: Void = { atexit { ChildProcess.stopLeftovers() } }()

    private static func stopLeftovers() {
        let left = started.withLock { $0.compactMap(\.child) }.filter { $0.process.isRunning }
        for child in left { kill(child.pid, SIGTERM) }
        let deadline = Date().addingTimeInterval(2)
        for child in left {
            while child.process.isRunning && Date() < deadline { usleep(10_000) }
            if child.process.isRunning { kill(child.pid, SIGKILL) }
        }
    }

    public let process: Process
    public let stdoutPath: String
    public let stderrPath: String

    /// Starts `executable` with `arguments`; output goes to files in `logDir`.
    public init(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                currentDirectory: String? = nil, logDir: String, name: String) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, b in b }
        }
        if let currentDirectory { process.currentDirectoryURL = URL(fileURLWithPath: currentDirectory) }
        stdoutPath = "\(logDir)/\(name).out"
        stderrPath = "\(logDir)/\(name).err"
        _ = FileManager.default.createFile(atPath: stdoutPath, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrPath, contents: nil)
        process.standardOutput = FileHandle(forWritingAtPath: stdoutPath)
        process.standardError = FileHandle(forWritingAtPath: stderrPath)
        try process.run()
        _ = Self.stopAtExit
        Self.started.withLock {
            $0.removeAll { $0.child == nil }
            $0.append(Started(child: self))
        }
    }

    public var pid: Int32 { process.processIdentifier }
    public var stdout: String { (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "" }
    public var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    /// Waits until `predicate` holds on the standard output, or `timeout` seconds pass.
    public func waitForOutput(timeout: Double, _ predicate: (String) -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if predicate(stdout) { return true }
            if !process.isRunning { return predicate(stdout) }
            usleep(20_000)
        }
        return false
    }

    public func signal(_ sig: Int32) { kill(pid, sig) }

    /// Sends SIGTERM (then SIGKILL after `grace` seconds) and waits for the exit.
    public func stop(grace: Double = 5) {
        guard process.isRunning else { return }
        kill(pid, SIGTERM)
        let deadline = Date().addingTimeInterval(grace)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning { kill(pid, SIGKILL) }
        process.waitUntilExit()
    }

    /// Waits for the exit (killing after `timeout` seconds) and returns the exit status.
    @discardableResult
    public func wait(timeout: Double) -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning {
            kill(pid, SIGKILL)
            process.waitUntilExit()
            return -1
        }
        return process.terminationStatus
    }

    deinit { stop(grace: 1) }
}
