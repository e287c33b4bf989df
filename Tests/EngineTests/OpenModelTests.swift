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
