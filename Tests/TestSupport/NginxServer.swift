import Foundation

/// An nginx the test starts (in the foreground, so its PID is the child's): a static site on a
/// cleartext port, optionally TLS with HTTP/2 on a second port, an access log that records the
/// connection serial number so tests can count connections and requests.
public final class NginxServer: @unchecked Sendable {
    public let port: Int
    public let tlsPort: Int?
    /// Cleartext HTTP/2 with prior knowledge (`listen … http2`).
    public let h2cPort: Int
    public let dir: String
    private let child: ChildProcess

    /// - Parameters:
    ///   - tls: also serve HTTPS + HTTP/2 with a self-signed certificate for 127.0.0.1.
    ///   - extraServerConfig: lines added to the cleartext server block.
    ///   - keepaliveRequests: requests per connection before nginx closes it (HTTP/2: sends GOAWAY).
    /// An nginx that gzips text responses of any size (HTTP/1.1 and h2c alike).
    public static func withGzip() throws -> NginxServer {
        try NginxServer(httpConfig: "gzip on; gzip_min_length 1; gzip_types text/plain;")
    }

    public init(tls: Bool = false, keepaliveRequests: Int = 100000, extraServerConfig: String = "",
                httpConfig: String = "") throws {
        dir = Paths.temporaryDirectory("nginx")
        let www = dir + "/www"
        try FileManager.default.createDirectory(atPath: www, withIntermediateDirectories: true)
        try Data(repeating: UInt8(ascii: "a"), count: 64).write(to: URL(fileURLWithPath: www + "/f64"))
        try Data("hello\n".utf8).write(to: URL(fileURLWithPath: www + "/index.html"))
        try Data(repeating: UInt8(ascii: "b"), count: 10 * 1024 * 1024).write(to: URL(fileURLWithPath: www + "/big"))
        let port = Ports.free()
        let h2cPort = Ports.free()
        var tlsPort: Int?
        var tlsServer = ""
        if tls {
            let p = Ports.free()
            tlsPort = p
            try TestCertificate.make(dir: dir)
            tlsServer = """
              server { listen 127.0.0.1:\(p) ssl http2; root \(www);
                ssl_certificate \(dir)/cert.pem; ssl_certificate_key \(dir)/key.pem; }
            """
        }
        let conf = """
            worker_processes 1; daemon off; master_process on; pid \(dir)/nginx.pid; error_log \(dir)/error.log warn;
            events { worker_connections 4096; }
            http {
              log_format counted '$connection $connection_requests $request_method $request_uri $status';
              access_log \(dir)/access.log counted;
              keepalive_requests \(keepaliveRequests);
              keepalive_timeout 120s;
              \(httpConfig)
              client_body_temp_path \(dir)/body; proxy_temp_path \(dir)/proxy;
              server { listen 127.0.0.1:\(port); root \(www); \(extraServerConfig) }
              server { listen 127.0.0.1:\(h2cPort) http2; root \(www); \(extraServerConfig) }
            \(tlsServer)
            }
            """
        try conf.write(toFile: dir + "/nginx.conf", atomically: true, encoding: .utf8)
        child = try ChildProcess("/usr/sbin/nginx", ["-p", dir, "-c", dir + "/nginx.conf", "-e", dir + "/error.log"],
                                 logDir: dir, name: "nginx")
        self.port = port
        self.tlsPort = tlsPort
        self.h2cPort = h2cPort
        // Ready when it answers.
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if Ports.isFree(port) == false, (try? HTTPGet.fetch("http://127.0.0.1:\(port)/index.html")) != nil { break }
            usleep(20_000)
        }
        truncateLog()
    }

    public var base: String { "http://127.0.0.1:\(port)" }
    public var tlsBase: String? { tlsPort.map { "https://127.0.0.1:\($0)" } }
    public var h2cBase: String { "http://127.0.0.1:\(h2cPort)" }

    /// Empties the access log (nginx keeps appending to the same file).
    public func truncateLog() {
        if let h = FileHandle(forWritingAtPath: dir + "/access.log") {
            h.truncateFile(atOffset: 0)
            h.closeFile()
        }
    }

    /// The access log's lines: connection serial, request number on it, method, URI, status.
    public func accessLog() -> [[String]] {
        // nginx writes the log line after the response; give it a moment.
        usleep(100_000)
        let text = (try? String(contentsOfFile: dir + "/access.log", encoding: .utf8)) ?? ""
        return text.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
    }

    public func stop() { child.stop() }
    deinit { child.stop() }
}
