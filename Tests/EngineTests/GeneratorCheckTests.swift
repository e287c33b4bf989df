import Foundation
import Testing
@testable import SwiftLoad
import TestSupport

/// The generator checks itself: a run it limited is tainted, with the reason; an easy run is not.
@Suite(.serialized) struct GeneratorCheckTests {
    /// Burns `ms` of this thread's CPU (no sleeping: the worker thread stays busy).
    static func spin(milliseconds ms: UInt64) {
        let end = MonotonicClock.now() &+ ms * 1_000_000
        var x: UInt64 = 1
        while MonotonicClock.now() < end { x = x &* 6364136223846793005 &+ 1 }
        if x == 0 { print("") }
    }

    @Test func aCPUBoundIterationTaintsTheRun() throws {
        let nginx = try NginxServer()
        let url = nginx.base + "/f64"
        var config = RunConfig(quiet: true)
        config.strict = true
        // One worker, ten VUs, each iteration computing for 20 ms: the thread is the bottleneck.
        let result = try runLoad(Options(scenarios: ["busy": .constantVUs(10, duration: .seconds(4))], workers: 1),
                                 config: config) { vu in
            Self.spin(milliseconds: 20)
            _ = try await vu.http.get(url, name: "f64")
        }
        #expect(result.run.tainted == true)
        let reasons = result.run.taintReasons ?? []
        #expect(reasons.contains { $0.hasPrefix("worker 0 was busy") }, "\(reasons)")
        #expect(result.exitCode == LoadRunner.ExitCode.tainted)
        #expect(ConsoleSummary.render(result).contains("TAINTED: the load generator limited this measurement: worker 0 was busy"))
        #expect(HTMLReport.render(result).contains("Tainted: the load generator limited this measurement"))
    }

    /// Ten VUs share one HTTP/2 connection allowed one stream: nine wait in the pool for each
    /// 30 ms stream, and that wait is the client's. It is reported as http_req_blocked and taints
    /// the run.
    @Test func requestsWaitingForAFullConnectionPoolTaintTheRun() throws {
        let server = try SSEFixture()
        let url = server.base + "/sse?n=1&gap=30"
        let result = try runLoad(Options(scenarios: ["pool": .constantVUs(10, duration: .seconds(2))], workers: 1,
                                         transport: .http2, http2: .init(connectionsPerTarget: 1, maxConcurrentStreams: 1))) { vu in
            _ = try await vu.http.get(url, name: "stream")
        }
        let reasons = result.run.taintReasons ?? []
        #expect(reasons.contains { $0.contains("requests waited over 10 ms before they went out") }, "\(reasons)")
        let blocked = try #require(result.stats("stream")?.blocked)
        #expect(blocked.med >= 30, "a queued stream waits for the ones ahead of it: \(blocked)")
        // The wait is not the server's: service time still counts it (the client sent late), but
        // the server's own time (waiting for the first byte after sending) stays near 30 ms.
        #expect((result.stats("stream")?.waiting.med ?? 0) < 80)
    }

    @Test func anOpenModelThatFallsBehindIsTainted() throws {
        let nginx = try NginxServer()
        let url = nginx.base + "/f64"
        // 400 arrivals a second, each computing for 4 ms on one worker: 1.6 s of work per second,
        // so arrivals start later and later.
        let result = try runLoad(Options(scenarios: [
            "open": .constantArrivalRate(400, duration: .seconds(3), preAllocatedVUs: 50, maxVUs: 50),
        ], workers: 1)) { vu in
            Self.spin(milliseconds: 4)
            _ = try await vu.http.get(url, name: "f64")
        }
        let reasons = result.run.taintReasons ?? []
        #expect(reasons.contains { $0.contains("ms late (iteration_start_lag p99") }, "\(reasons)")
        // Not --strict: the run keeps its own exit code.
        #expect(result.exitCode == LoadRunner.ExitCode.ok)
    }

    @Test func anEasyRunIsNotTainted() throws {
        let nginx = try NginxServer()
        let url = nginx.base + "/f64"
        var config = RunConfig(quiet: true)
        config.strict = true
        let result = try runLoad(Options(scenarios: [
            "open": .constantArrivalRate(50, duration: .seconds(3), preAllocatedVUs: 5, maxVUs: 20),
        ]), config: config) { vu in
            _ = try await vu.http.get(url, name: "f64")
        }
        #expect(result.run.tainted == nil, "\(result.run.taintReasons ?? [])")
        #expect(result.exitCode == LoadRunner.ExitCode.ok)
        #expect(!ConsoleSummary.render(result).contains("TAINTED"))
    }
}
