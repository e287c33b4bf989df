import Foundation

/// A Python test server from Tests/Fixtures on a free loopback port; it prints "listening PORT"
/// when ready and is stopped by its PID.
public class PythonServer: @unchecked Sendable {
    public let port: Int
    private let child: ChildProcess

    /// - Parameter python: the interpreter; the fixtures that need packages use the test venv.
    public init(script: String, python: String, arguments: [String] = []) throws {
        let dir = Paths.temporaryDirectory("fixture")
        var lastError = ""
        for _ in 0..<5 {
            let port = Ports.free()
            let child = try ChildProcess(python, [Paths.fixtures + "/" + script, String(port)] + arguments, logDir: dir, name: script)
            if child.waitForOutput(timeout: 30, { $0.contains("listening") }) {
                self.port = port
                self.child = child
                return
            }
            lastError = child.stderr
            child.stop()
        }
        throw TestFailure("\(script) did not start: \(lastError)")
    }

    public var address: String { "127.0.0.1:\(port)" }
    public var base: String { "http://127.0.0.1:\(port)" }

    /// What the server printed so far.
    public var output: String { child.stdout }

    public func stop() { child.stop() }
    deinit { child.stop() }
}

/// A TCP relay to a local port that counts the bytes it carries each way
/// (Tests/Fixtures/byte_counter.py, standard library only).
public final class ByteCounter: PythonServer, @unchecked Sendable {
    public init(upstreamPort: Int) throws {
        try super.init(script: "byte_counter.py", python: "/usr/bin/python3", arguments: [String(upstreamPort)])
    }

    /// The bytes relayed from client to server (`up`) and back (`down`) once every connection has
    /// closed, and how many there were; nil when some stay open for `timeout` seconds.
    public func totalsWhenClosed(timeout: Double = 10) -> (up: Int, down: Int, connections: Int)? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let last = output.split(separator: "\n").last(where: { $0.hasPrefix("totals ") }) {
                var f: [String: Int] = [:]
                for pair in last.split(separator: " ").dropFirst() {
                    let kv = pair.split(separator: "=")
                    if kv.count == 2 { f[String(kv[0])] = Int(kv[1]) }
                }
                if f["open"] == 0, let up = f["up"], let down = f["down"], let closed = f["closed"] {
                    return (up, down, closed)
                }
            }
            usleep(20_000)
        }
        return nil
    }
}

/// The HTTP/1.1 fixture server (Tests/Fixtures/fixture_server.py, standard library only).
public final class FixtureServer: PythonServer, @unchecked Sendable {
    public init() throws {
        try super.init(script: "fixture_server.py", python: "/usr/bin/python3")
    }

    /// Requests the server counted since start or the last reset.
    public func requestCount() throws -> Int {
        let data = try HTTPGet.fetch("\(base)/stats")
        guard let obj = try JSONSerialization.jsonObject(with: data) as? [String: Any], let n = obj["requests"] as? Int else {
            throw TestFailure("bad /stats answer")
        }
        return n
    }

    public func reset() throws { _ = try HTTPGet.fetch("\(base)/reset") }
}

/// The grpcio server speaking the Open Inference Protocol (Tests/Fixtures/grpc_server.py).
public final class GRPCFixture: PythonServer, @unchecked Sendable {
    public init() throws { try super.init(script: "grpc_server.py", python: try Paths.testPython()) }
}

/// The scripted HTTP/2 server for protocol edge cases (Tests/Fixtures/h2_server.py).
public final class H2Fixture: PythonServer, @unchecked Sendable {
    public init() throws { try super.init(script: "h2_server.py", python: try Paths.testPython()) }
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

/// A server counting its requests with the Prometheus client library, on /metrics
/// (Tests/Fixtures/metrics_server.py).
public final class MetricsFixture: PythonServer, @unchecked Sendable {
    public init() throws { try super.init(script: "metrics_server.py", python: try Paths.testPython()) }
}

/// Server-sent events with known timing over HTTP/1.1 and h2c on one port, served by hypercorn
/// (Tests/Fixtures/sse_server.py).
public final class SSEFixture: PythonServer, @unchecked Sendable {
    /// - Parameter tls: serve TLS with a self-signed certificate (h2 or HTTP/1.1 by ALPN).
    public init(tls: Bool = false) throws {
        var arguments: [String] = []
        if tls {
            let dir = Paths.temporaryDirectory("sse-tls")
            try TestCertificate.make(dir: dir)
            arguments = [dir + "/cert.pem", dir + "/key.pem"]
        }
        try super.init(script: "sse_server.py", python: try Paths.testPython(), arguments: arguments)
        isTLS = tls
    }

    private(set) var isTLS = false
    /// `https://` for a TLS fixture.
    public override var base: String { "\(isTLS ? "https" : "http")://127.0.0.1:\(port)" }
}

/// LitServe's OpenAI-compatible server streaming a known sentence: the first word after
/// `ttftMs`, then one every `gapMs`, each word counted as `tokensPerChunk` tokens in the usage
/// (Tests/Fixtures/litserve_app.py).
public final class LitServeFixture: PythonServer, @unchecked Sendable {
    /// The one the streaming suites share: defaults, each word counted as two tokens.
    public static let shared = try! LitServeFixture(tokensPerChunk: 2)

    public init(ttftMs: Int = 60, gapMs: Int = 25, tokensPerChunk: Int = 1) throws {
        try super.init(script: "litserve_app.py", python: try Paths.testPython(),
                       arguments: [String(ttftMs), String(gapMs), String(tokensPerChunk)])
    }
}
