import Foundation

/// The Python fixture server (Tests/Fixtures/fixture_server.py) on a loopback port.
public final class FixtureServer: @unchecked Sendable {
    public let port: Int
    private let child: ChildProcess

    public init() throws {
        let dir = Paths.temporaryDirectory("fixture")
        var lastError = ""
        for _ in 0..<5 {
            let port = Ports.free()
            let child = try ChildProcess("/usr/bin/env", ["python3", Paths.fixtures + "/fixture_server.py", String(port)],
                                         logDir: dir, name: "fixture")
            if child.waitForOutput(timeout: 10, { $0.contains("listening") }) {
                self.port = port
                self.child = child
                return
            }
            lastError = child.stderr
            child.stop()
        }
        throw TestFailure("fixture server did not start: \(lastError)")
    }

    public var base: String { "http://127.0.0.1:\(port)" }

    /// Requests the server counted since start or the last reset.
    public func requestCount() throws -> Int {
        let data = try HTTPGet.fetch("\(base)/stats")
        guard let obj = try JSONSerialization.jsonObject(with: data) as? [String: Any], let n = obj["requests"] as? Int else {
            throw TestFailure("bad /stats answer")
        }
        return n
    }

    public func reset() throws { _ = try HTTPGet.fetch("\(base)/reset") }

    public func stop() { child.stop() }
    deinit { child.stop() }
}

/// A failure in test set-up.
public struct TestFailure: Error, CustomStringConvertible {
    public var description: String
    public init(_ d: String) { description = d }
}

/// A plain blocking GET for test set-up (curl's command line, so no client code of ours).
public enum HTTPGet {
    public static func fetch(_ url: String) throws -> Data {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        p.arguments = ["-s", "-k", "--max-time", "10", url]
        let pipe = Pipe()
        p.standardOutput = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw TestFailure("curl \(url) failed with \(p.terminationStatus)") }
        return data
    }
}
