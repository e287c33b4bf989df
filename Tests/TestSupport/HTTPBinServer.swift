import Foundation

/// httpbin (PyPI `httpbin`, pinned in Tests/Fixtures/requirements.txt) on four real Python servers
/// from the test venv, each on its own loopback port (Tests/Fixtures/httpbin_server.py):
///
/// - gunicorn, HTTP/1.1 in the clear (`httpBase`) and over TLS (`httpsBase`, no ALPN: HTTP/1.1 only);
/// - hypercorn, h2c with prior knowledge (`h2cBase`; it answers HTTP/1.1 on the same port too)
///   and TLS with ALPN `h2` or `http/1.1` (`h2TLSBase`).
///
/// Both TLS servers use one self-signed certificate for 127.0.0.1 and localhost, made with
/// `openssl` in a temporary folder: clients need `insecureSkipTLSVerify`. The servers start by
/// PID, are ready when they answer, and are stopped by PID; each also exits by itself once the
/// test process is gone (a shared instance is never deinitialised).
public final class HTTPBinServer: @unchecked Sendable {
    public let httpPort: Int
    public let httpsPort: Int
    public let h2cPort: Int
    public let h2TLSPort: Int
    /// Holds the certificate and the servers' logs.
    public let dir: String
    private let children: [ChildProcess]

    private struct Spec: Sendable {
        var name: String
        var server: String
        var tls: Bool
    }

    private static let specs = [
        Spec(name: "gunicorn-http", server: "gunicorn", tls: false),
        Spec(name: "gunicorn-https", server: "gunicorn", tls: true),
        Spec(name: "hypercorn-h2c", server: "hypercorn", tls: false),
        Spec(name: "hypercorn-h2", server: "hypercorn", tls: true),
    ]

    /// Starts the four servers (about 1.5 s on two idle cores) and waits until each answers.
    public init(timeout: Double = 60) throws {
        let python = try Paths.testPython()
        let dir = Paths.temporaryDirectory("httpbin")
        try TestCertificate.make(dir: dir)
        let script = Paths.fixtures + "/httpbin_server.py"
        let certificate = [dir + "/cert.pem", dir + "/key.pem"]

        // All four start at once (each imports Flask for a second); a port taken between
        // Ports.free() and the server's bind makes that server exit, and it is started again on
        // another port.
        var children: [ChildProcess] = []
        var ports: [Int] = []
        func start(_ spec: Spec, attempt: Int) throws -> (ChildProcess, Int) {
            let port = Ports.free()
            let child = try ChildProcess(python, [script, spec.server, String(port)] + (spec.tls ? certificate : []),
                                         logDir: dir, name: "\(spec.name)-\(attempt)")
            return (child, port)
        }
        do {
            for spec in Self.specs {
                let (child, port) = try start(spec, attempt: 0)
                children.append(child)
                ports.append(port)
            }
            let deadline = Date().addingTimeInterval(timeout)
            for (i, spec) in Self.specs.enumerated() {
                var attempt = 0
                while true {
                    let scheme = spec.tls ? "https" : "http"
                    if Self.waitUntilAnswering("\(scheme)://127.0.0.1:\(ports[i])/get", child: children[i], deadline: deadline) { break }
                    let log = children[i].stderr.suffix(2000)
                    children[i].stop()
                    attempt += 1
                    guard attempt < 5, Date() < deadline else {
                        throw TestFailure("httpbin on \(spec.name) did not start: \(log)")
                    }
                    (children[i], ports[i]) = try start(spec, attempt: attempt)
                }
            }
        } catch {
            for c in children { c.stop() }
            throw error
        }
        self.dir = dir
        self.children = children
        httpPort = ports[0]
        httpsPort = ports[1]
        h2cPort = ports[2]
        h2TLSPort = ports[3]
    }

    /// gunicorn, HTTP/1.1 in the clear.
    public var httpBase: String { "http://127.0.0.1:\(httpPort)" }
    /// gunicorn over TLS: HTTP/1.1 only (no ALPN).
    public var httpsBase: String { "https://127.0.0.1:\(httpsPort)" }
    /// hypercorn in the clear: HTTP/2 with prior knowledge (and HTTP/1.1).
    public var h2cBase: String { "http://127.0.0.1:\(h2cPort)" }
    /// hypercorn over TLS: `h2` (or `http/1.1`) by ALPN.
    public var h2TLSBase: String { "https://127.0.0.1:\(h2TLSPort)" }

    /// The end of each server's standard error, for failure messages.
    public func logs(last: Int = 1500) -> String {
        zip(Self.specs, children).map { "\($0.name): \($1.stderr.suffix(last))" }.joined(separator: "\n")
    }

    /// Stops every server by its PID (SIGTERM, then SIGKILL after the grace period).
    public func stop() { for c in children { c.stop() } }
    deinit { for c in children { c.stop() } }

    /// Polls until `url` answers (`Ports.isFree` first: binding costs less than a curl).
    private static func waitUntilAnswering(_ url: String, child: ChildProcess, deadline: Date) -> Bool {
        let port = URL(string: url)?.port ?? 0
        while Date() < deadline {
            if !child.process.isRunning { return false }
            if Ports.isFree(port) == false, (try? HTTPGet.fetch(url)) != nil { return true }
            usleep(50_000)
        }
        return false
    }
}
