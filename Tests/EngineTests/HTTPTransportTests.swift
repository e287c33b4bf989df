import Synchronization
import Foundation
import Testing
@testable import SwiftLoad
import TestSupport

@Suite(.serialized) struct HTTPTransportTests {
    @Test(arguments: transports)
    func closedRunCountEqualsNginxCountOnReusedConnections(transport: HTTPTransport) throws {
        let nginx = try NginxServer()
        let url = nginx.base + "/f64"
        let result = try runLoad(Options(scenarios: ["s": .constantVUs(8, duration: .seconds(2))], transport: transport)) { vu in
            let r = try await vu.http.get(url, name: "f64")
            vu.check(r, "200") { $0.status == 200 && $0.body.count == 64 }
        }
        let log = nginx.accessLog()
        let stats = try #require(result.stats("f64"))
        #expect(stats.count > 100)
        #expect(stats.count == log.count, "swiftload counted \(stats.count), nginx logged \(log.count)")
        #expect(stats.failures == 0)
        #expect(result.checks.first?.fails == 0)
        // Keep-alive: one connection per VU, each carrying many requests.
        let connections = Set(log.map { $0[0] })
        #expect(connections.count <= 8, "\(connections.count) connections for 8 VUs")
    }

    @Test(arguments: transports)
    func openRunCountEqualsNginxCount(transport: HTTPTransport) throws {
        let nginx = try NginxServer()
        let url = nginx.base + "/f64"
        let result = try runLoad(Options(scenarios: [
            "open": .constantArrivalRate(100, duration: .seconds(2), preAllocatedVUs: 5, maxVUs: 20),
        ], transport: transport)) { vu in
            _ = try await vu.http.get(url, name: "f64")
        }
        #expect(result.scenario("open")?.iterations == 200)
        #expect(result.scenario("open")?.droppedIterations == 0)
        #expect(result.stats("f64")?.count == 200)
        #expect(nginx.accessLog().count == 200)
    }

    @Test(arguments: transports)
    func fiftyMillisecondServerGivesAMedianOfFiftyToFiftyThree(transport: HTTPTransport) throws {
        let url = sharedFixture.base + "/delay?ms=50"
        let result = try runLoad(Options(scenarios: ["s": .constantVUs(4, duration: .seconds(3))], transport: transport)) { vu in
            _ = try await vu.http.get(url, name: "delay")
        }
        let d = try #require(result.stats("delay")?.duration)
        #expect(d.count > 100)
        // Never below what the server waited; at most 3 ms above it (the Python fixture's own
        // scheduling on a loaded shared machine took a full run's libcurl median to 52.16 ms).
        #expect(d.med >= 50 && d.med <= 53, "median \(d.med) ms")
    }

    @Test(arguments: transports)
    func refusedConnectionsAreErrorsNotCrashes(transport: HTTPTransport) throws {
        let port = Ports.free()   // nothing listens here
        let result = try runLoad(Options(
            scenarios: ["s": .constantVUs(3, iterations: 30)],
            thresholds: ["http_req_failed": "rate < 1%"], transport: transport)) { vu in
            let r = try await vu.http.get("http://127.0.0.1:\(port)/", name: "down")
            vu.check(r, "no status") { $0.status == 0 }
        }
        #expect(result.stats("down")?.count == 30)
        #expect(result.stats("down")?.errorRate == 1)
        #expect(result.errorCount(.connectionRefused) == 30)
        #expect(result.scenario("s")?.iterations == 30)
        #expect(result.thresholds.first?.passed == false)
        #expect(result.exitCode == LoadRunner.ExitCode.thresholdsFailed)
    }

    @Test(arguments: transports)
    func aServerClosingMidResponseIsCountedAndTheVUsCarryOn(transport: HTTPTransport) throws {
        let base = sharedFixture.base
        let result = try runLoad(Options(scenarios: ["s": .constantVUs(2, iterations: 10)], transport: transport)) { vu in
            _ = try await vu.http.get(base + "/close-mid", name: "mid")
            _ = try await vu.http.get(base + "/close-now", name: "now")
            _ = try await vu.http.get(base + "/ok", name: "ok")
        }
        #expect(result.stats("mid")?.failures == 10)
        #expect(result.stats("now")?.failures == 10)
        #expect(result.stats("ok")?.failures == 0)
        #expect(result.errorCount(.connectionClosed) == 20)
        #expect(result.scenario("s")?.iterations == 10)
    }

    @Test(arguments: transports)
    func tenMegabyteBodiesAreCountedButNotKeptUnlessAsked(transport: HTTPTransport) throws {
        let nginx = try NginxServer()
        let url = nginx.base + "/big"
        let kept = Mutex<[Int]>([])
        let result = try runLoad(Options(scenarios: ["s": .constantVUs(1, iterations: 2)], transport: transport)) { vu in
            let r = try await vu.http.get(url, name: "big")
            let all = try await vu.http.get(url, name: "big-all", keepBody: .all)
            kept.withLock { $0 += [r.body.count, r.bodySize, r.bodyTruncated ? 1 : 0, all.body.count] }
        }
        let mib = 1 << 20
        let expected: [Int] = [mib, 10 * mib, 1, 10 * mib, mib, 10 * mib, 1, 10 * mib]
        let seen: [Int] = kept.withLock { $0 }
        #expect(seen == expected)
        #expect((result.stats("big")?.bytesReceived ?? 0) >= 2 * (10 << 20))
        #expect(result.stats("big")?.failures == 0)
    }

    @Test(arguments: transports)
    func requestsCarryMethodHeadersQueryAndBody(transport: HTTPTransport) throws {
        struct Echo: Decodable { let method: String; let path: String; let headers: [String: String]; let body: String }
        struct Payload: Encodable { let x: Int }
        let base = sharedFixture.base
        let seen = Mutex<[Echo]>([])
        _ = try runLoad(Options(scenarios: ["s": .constantVUs(1, iterations: 1)], transport: transport)) { vu in
            let a = try await vu.http.post(base + "/echo", json: Payload(x: 7), query: ["q": "a b"], headers: ["X-Token": "t1"])
            let b = try await vu.http.put(base + "/echo", body: .string("plain"), name: "put")
            let c = try await vu.http.delete(base + "/echo")
            let d = try await vu.http.request(Request(method: "PATCH", url: base + "/echo", body: .bytes([1, 2, 3])))
            try seen.withLock { $0 = try [a, b, c, d].map { try $0.json(Echo.self) } }
        }
        let echoes = seen.withLock { $0 }
        try #require(echoes.count == 4)
        #expect(echoes[0].method == "POST")
        #expect(echoes[0].path == "/echo?q=a%20b")
        #expect(echoes[0].headers["x-token"] == "t1")
        #expect(echoes[0].headers["content-type"] == "application/json")
        #expect(echoes[0].body == #"{"x":7}"#)
        #expect(echoes[1].method == "PUT" && echoes[1].body == "plain")
        #expect(echoes[2].method == "DELETE")
        #expect(echoes[3].method == "PATCH" && echoes[3].headers["content-length"] == "3")
    }

    @Test(arguments: transports)
    func timeoutsStatusesAndRedirects(transport: HTTPTransport) throws {
        let base = sharedFixture.base
        let result = try runLoad(Options(scenarios: ["s": .constantVUs(1, iterations: 2)], transport: transport)) { vu in
            let t = try await vu.http.get(base + "/delay?ms=400", name: "slow", timeout: .milliseconds(100))
            vu.check(t, "timed out") { $0.error?.errorClass == .timeout && $0.timings.duration < .milliseconds(300) }
            let s = try await vu.http.get(base + "/status?code=503", name: "503")
            vu.check(s, "503 failed") { $0.status == 503 && $0.error?.errorClass == .httpStatus }
            let e = try await vu.http.request(Request(url: base + "/status?code=404", name: "404", expectedStatuses: 200...404))
            vu.check(e, "404 expected") { $0.ok }
            let r = try await vu.http.get(base + "/redirect?to=/echo", name: "redirect")
            vu.check(r, "followed") { $0.status == 200 && $0.text.contains("/echo") }
        }
        for c in result.checks { #expect(c.fails == 0, "\(c.name)") }
        #expect(result.errorCount(.timeout) == 2)
        #expect(result.errorCount(.httpStatus) == 2)
        #expect(result.stats("404")?.failures == 0)
    }

    @Test(arguments: transports)
    func aResponseHeldAcrossLaterRequestsKeepsItsHeadersAndBody(transport: HTTPTransport) throws {
        // The built-in client refills a dropped response's buffers; one still held must never be.
        let base = sharedFixture.base
        let result = try runLoad(Options(scenarios: ["s": .constantVUs(2, iterations: 20)], transport: transport)) { vu in
            let held = try await vu.http.get(base + "/bytes?n=10", name: "held")
            for n in [3, 200, 5] {
                let later = try await vu.http.get(base + "/bytes?n=\(n)", name: "later")
                vu.check(later, "later intact") { $0.body.count == n && $0.headers["content-length"] == "\(n)" }
            }
            vu.check(held, "held intact") {
                $0.status == 200 && $0.body == Array(repeating: UInt8(ascii: "x"), count: 10)
                    && $0.headers["content-length"] == "10"
            }
        }
        #expect(result.checks.count == 2)
        for c in result.checks { #expect(c.passes > 0 && c.fails == 0, "\(c.name)") }
    }

    @Test func keepAliveLimitsAreHandledWithoutErrors() throws {
        // nginx closes each connection after 20 requests (keepalive_requests): the client sees
        // "Connection: close" or a closed idle connection and reconnects without failing.
        let nginx = try NginxServer(keepaliveRequests: 20)
        let url = nginx.base + "/f64"
        let result = try runLoad(Options(scenarios: ["s": .constantVUs(4, iterations: 400)])) { vu in
            _ = try await vu.http.get(url, name: "f64")
        }
        #expect(result.stats("f64")?.failures == 0)
        #expect(nginx.accessLog().count == 400)
    }

    /// The built-in client speaks HTTP/1.1 over TLS (OpenSSL) and verifies certificates by
    /// default; libcurl negotiates HTTP/2 by ALPN.
    @Test(arguments: [HTTPTransport.automatic, .libcurl])
    func httpsVerifiesCertificates(transport: HTTPTransport) throws {
        let nginx = try NginxServer(tls: true)
        let url = try #require(nginx.tlsBase) + "/f64"
        let strict = try runLoad(Options(scenarios: ["s": .constantVUs(1, iterations: 2)], transport: transport)) { vu in
            _ = try await vu.http.get(url, name: "tls")
        }
        #expect(strict.errorCount(.tls) == 2)
        let versions = Mutex<Set<String>>([])
        let insecure = try runLoad(Options(scenarios: ["s": .constantVUs(2, iterations: 20)], insecureSkipTLSVerify: true,
                                           transport: transport)) { vu in
            let r = try await vu.http.get(url, name: "tls")
            versions.withLock { _ = $0.insert(r.httpVersion) }
        }
        #expect(insecure.stats("tls")?.count == 20)
        #expect(insecure.stats("tls")?.failures == 0)
        #expect(versions.withLock { $0 } == [transport == .libcurl ? "2" : "1.1"])
        #expect((insecure.stats("tls")?.tlsHandshaking.max ?? 0) > 0)
        #expect(nginx.accessLog().count == 20)   // the refused handshakes sent no request

        // A body of many TLS records arrives whole: OpenSSL reads ahead, and what it holds is
        // invisible to epoll, so the reader must drain it.
        let big = [UInt8]((0..<3_000_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        #expect(FileManager.default.createFile(atPath: nginx.dir + "/www/big", contents: Data(big)))
        let bigURL = try #require(nginx.tlsBase) + "/big"
        let sizes = Collected<String>()
        _ = try runLoad(Options(scenarios: ["s": .constantVUs(1, iterations: 3)], insecureSkipTLSVerify: true,
                                transport: transport)) { vu in
            let r = try await vu.http.get(bigURL, name: "big", keepBody: .all)
            sizes.add("\(r.status) \(r.body.count) \(r.body == big)")
        }
        #expect(sizes.all == Array(repeating: "200 3000000 true", count: 3))
    }
}
