import Foundation
import Synchronization
import Testing
@testable import SwiftLoad
import TestSupport

/// HTTP requests over HTTP/2 (`transport: .http2`): h2c with prior knowledge and TLS with ALPN.
@Suite(.serialized) struct HTTP2Tests {
    @Test func h2cMultiplexesVUsOverFewConnectionsAndSurvivesNginxGoAway() throws {
        // nginx ends an HTTP/2 connection with GOAWAY after 1,000 requests (its default).
        let nginx = try NginxServer(keepaliveRequests: 1000)
        let url = nginx.h2cBase + "/f64"
        let versions = Mutex<Set<String>>([])
        let result = try runLoad(Options(
            scenarios: ["s": .constantVUs(20, iterations: 3500)], workers: 1, transport: .http2,
            http2: HTTP2Options(connectionsPerTarget: 2, maxConcurrentStreams: 8))) { vu in
            let r = try await vu.http.get(url, name: "h2c")
            if vu.iteration == 0 { versions.withLock { _ = $0.insert(r.httpVersion) } }
        }
        let log = nginx.accessLog()
        #expect(result.stats("h2c")?.count == 3500)
        #expect(result.stats("h2c")?.failures == 0, "\(result.errors)")
        #expect(log.count == 3500)
        #expect(versions.withLock { $0 } == ["2"])
        // Two connections at a time, each ended by a GOAWAY when it reached 1,000 requests.
        var perConnection: [String: Int] = [:]
        for line in log { perConnection[line[0], default: 0] += 1 }
        let full = perConnection.values.filter { $0 == 1000 }.count
        #expect(full >= 2, "\(perConnection)")
        #expect(result.http2.goaways == full, "\(perConnection)")
        #expect(perConnection.count <= full + 2, "\(perConnection)")
        // The run closed its connections: this process holds none to nginx any more.
        #expect(Self.connections(toPort: nginx.h2cPort) == 0)
    }

    /// TCP connections this process has open to `port` on loopback (its socket descriptors
    /// matched against /proc/net/tcp).
    static func connections(toPort port: Int) -> Int {
        let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        let inodes = Set(fds.compactMap { fd -> String? in
            guard let link = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/" + fd),
                  link.hasPrefix("socket:[") else { return nil }
            return String(link.dropFirst(8).dropLast())
        })
        let table = (try? String(contentsOfFile: "/proc/net/tcp", encoding: .utf8)) ?? ""
        let remote = ":" + String(format: "%04X", port)
        return table.split(separator: "\n").dropFirst().filter { line in
            let f = line.split(separator: " ")
            return f.count > 9 && f[2].hasSuffix(remote) && inodes.contains(String(f[9]))
        }.count
    }

    @Test func http2OverTLSNegotiatesH2AndVerifiesCertificates() throws {
        let nginx = try NginxServer(tls: true)
        let url = try #require(nginx.tlsBase) + "/f64"
        let strict = try runLoad(Options(scenarios: ["s": .constantVUs(1, iterations: 2)], transport: .http2)) { vu in
            _ = try await vu.http.get(url, name: "tls")
        }
        #expect(strict.errorCount(.tls) == 2)
        #expect(strict.errors.first?.sample.contains("certificate verification failed") == true)
        let ok = try runLoad(Options(scenarios: ["s": .constantVUs(4, iterations: 200)], insecureSkipTLSVerify: true,
                                     transport: .http2)) { vu in
            let r = try await vu.http.get(url, name: "tls")
            vu.check(r, "h2 over TLS") { $0.status == 200 && $0.httpVersion == "2" && $0.body.count == 64 }
        }
        #expect(ok.stats("tls")?.failures == 0)
        #expect(ok.checks.first?.fails == 0)
        #expect((ok.stats("tls")?.tlsHandshaking.max ?? 0) > 0)
    }

    @Test func slowStreamsTimeOutAloneAndStopsInterruptThem() throws {
        let h2 = try H2Fixture()
        let base = h2.base
        let result = try runLoad(Options(scenarios: ["s": .constantVUs(2, iterations: 4)], transport: .http2)) { vu in
            let slow = try await vu.http.get(base + "/slow?ms=500", name: "slow", timeout: .milliseconds(100))
            vu.check(slow, "timed out") { $0.error?.errorClass == .timeout }
            let ok = try await vu.http.get(base + "/ok", name: "ok")
            vu.check(ok, "next request fine") { $0.status == 200 && $0.text == "ok" }
        }
        for c in result.checks { #expect(c.fails == 0, "\(c.name)") }
        let stopped = try runLoad(Options(scenarios: ["s": .constantVUs(3, duration: .milliseconds(300), gracefulStop: .milliseconds(200))],
                                          transport: .http2)) { vu in
            _ = try await vu.http.get(base + "/slow?ms=5000", name: "stuck")
        }
        #expect(stopped.interruptedRequests == 3)
        #expect(stopped.errors.isEmpty)
    }
}
