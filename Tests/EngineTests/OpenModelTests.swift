import Foundation
import Synchronization
import Testing
@testable import SwiftLoad
import TestSupport

@Suite(.serialized) struct OpenModelTests {
    @Test func twoHundredPerSecondForFiveSecondsIssuesOneThousandIterations() throws {
        let nginx = try NginxServer()
        let url = nginx.base + "/f64"
        let result = try runLoad(Options(scenarios: [
            "open": .constantArrivalRate(200, duration: .seconds(5), preAllocatedVUs: 10, maxVUs: 50),
        ])) { vu in
            _ = try await vu.http.get(url, name: "f64")
        }
        let s = try #require(result.scenario("open"))
        #expect(abs(s.iterations - 1000) <= 2, "\(s.iterations) iterations")
        #expect(s.droppedIterations == 0)
        #expect(abs(nginx.accessLog().count - 1000) <= 2)
        // One point per second, each near 200 requests.
        let full = result.timeSeries.filter { $0.seconds > 0.99 }
        #expect(full.count >= 4)
        for p in full { #expect(abs(p.requests - 200) <= 3, "\(p.requests) in second \(p.t)") }
    }

    @Test func arrivalsWithoutAFreeVUAreDroppedAndCounted() throws {
        let url = sharedFixture.base + "/delay?ms=300"
        let result = try runLoad(Options(scenarios: [
            "open": .constantArrivalRate(20, duration: .seconds(2), preAllocatedVUs: 1, maxVUs: 2),
        ])) { vu in
            _ = try await vu.http.get(url, name: "slow")
        }
        let s = try #require(result.scenario("open"))
        #expect(s.droppedIterations > 20)
        #expect(s.iterations + s.droppedIterations + s.interruptedIterations == 40)
        #expect(s.vusMax == 2)
    }

    @Test func latencyIsMeasuredFromTheScheduledStart() throws {
        // One iteration blocks its worker thread for 300 ms (as an overloaded generator would be
        // stalled). Arrivals scheduled during the stall start late; their latency counts the wait
        // from their scheduled start, while the service time does not.
        let nginx = try NginxServer()
        let url = nginx.base + "/f64"
        let stalled = Atomic<Bool>(false)
        let result = try runLoad(Options(scenarios: [
            "open": .constantArrivalRate(50, duration: .seconds(2), preAllocatedVUs: 5, maxVUs: 20),
        ], workers: 1)) { vu in
            if vu.iteration == 3 && !stalled.exchange(true, ordering: .relaxed) { usleep(300_000) }
            _ = try await vu.http.get(url, name: "f64")
        }
        let stats = try #require(result.stats("f64"))
        #expect(stats.count == 100)
        #expect(stats.duration.max >= 250, "corrected max \(stats.duration.max) ms")
        #expect(stats.serviceTime.max < 100, "service max \(stats.serviceTime.max) ms")
        #expect(stats.duration.p95 > stats.serviceTime.p95)
    }
}

/// Coordinated-omission correction charges only the iteration's start lag, never the script's
/// own time before its first request.
@Suite(.serialized) struct StartLagTests {
    @Test func aSleepBeforeTheFirstRequestIsNotBilledAsItsLatency() throws {
        let nginx = try NginxServer()
        let url = nginx.base + "/f64"
        // 300 samples, so one scheduling hiccup of a shared machine is not the p99 by itself.
        let result = try runLoad(Options(scenarios: [
            "open": .constantArrivalRate(150, duration: .seconds(2), preAllocatedVUs: 100, maxVUs: 150),
        ])) { vu in
            try await vu.sleep(.milliseconds(500))
            _ = try await vu.http.get(url, name: "first")
            _ = try await vu.http.get(url, name: "second")
        }
        let first = try #require(result.stats("first")), second = try #require(result.stats("second"))
        let s = try #require(result.scenario("open"))
        #expect(s.droppedIterations == 0)
        #expect(first.count == 300 && second.count == 300, "\(first.count) and \(second.count) requests")
        // Billing the sleep would put every first request at 500 ms or more. What the first
        // request may carry beyond its own service time (which includes opening the VU's
        // connection) is its iteration's start lag, nothing else; the shared machine's stalls
        // show in both, so they are compared with each other, not with a fixed few milliseconds.
        let lag = try #require(s.iterationStartLag)
        #expect(lag.count == 300)
        #expect(second.duration.p99 < 50, "second request p99 \(second.duration.p99) ms")
        #expect(first.duration.p99 < 50, "first request p99 \(first.duration.p99) ms: the sleep was billed")
        #expect(first.duration.p99 <= first.serviceTime.p99 + lag.max + 0.1,
                "first request p99 \(first.duration.p99) ms is more than its service time p99 \(first.serviceTime.p99) ms and the largest start lag \(lag.max) ms")
        #expect(lag.p99 < 20, "start lag p99 \(lag.p99) ms")
        // The lag is part of the first request's corrected latency, never of the second's.
        #expect(second.duration.max == second.serviceTime.max)
    }

    @Test func aStalledServerShowsItsStallInTheTailAndItsDroppedIterations() throws {
        // 200 arrivals/s for 3 s; one second in, the server stalls for 1 s. Iterations waiting on
        // it hold their VUs, the rest of the stall's arrivals find none free and are dropped.
        let base = sharedFixture.base
        let t0 = MonotonicClock.now()
        let stalled = Atomic<Bool>(false)
        let result = try runLoad(Options(scenarios: [
            "open": .constantArrivalRate(200, duration: .seconds(3), preAllocatedVUs: 20, maxVUs: 100),
        ])) { vu in
            if MonotonicClock.now() &- t0 > 1_000_000_000 && !stalled.exchange(true, ordering: .relaxed) {
                _ = try await vu.http.get(base + "/stall?ms=1000", name: "stall")
            } else {
                _ = try await vu.http.get(base + "/held", name: "held")
            }
        }
        let held = try #require(result.stats("held"))
        let s = try #require(result.scenario("open"))
        #expect(s.droppedIterations > 30, "\(s.droppedIterations) dropped")
        #expect(s.iterations + s.droppedIterations + s.interruptedIterations == 600)
        #expect(held.duration.max > 800 && held.duration.max < 1500, "max \(held.duration.max) ms")
        #expect(held.duration.p99 > 500, "p99 \(held.duration.p99) ms: the stall is missing from the tail")
        let lag = try #require(s.iterationStartLag)
        #expect(lag.count == s.iterations + s.interruptedIterations)
    }
}
