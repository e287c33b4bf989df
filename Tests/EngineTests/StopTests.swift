import Foundation
import Testing
@testable import SwiftLoad
import TestSupport

@Suite(.serialized) struct StopTests {
    @Test(arguments: transports)
    func requestsStillRunningAfterTheGracePeriodAreInterruptedNotErrors(transport: HTTPTransport) throws {
        let url = sharedFixture.base + "/delay?ms=5000"
        let started = Date()
        let result = try runLoad(Options(scenarios: [
            "s": .constantVUs(3, duration: .milliseconds(500), gracefulStop: .milliseconds(500)),
        ], transport: transport)) { vu in
            _ = try await vu.http.get(url, name: "stuck")
        }
        #expect(Date().timeIntervalSince(started) < 3)
        #expect(result.interruptedRequests == 3)
        #expect(result.scenario("s")?.interruptedIterations == 3)
        #expect(result.stats("stuck") == nil || result.stats("stuck")?.failures == 0)
        #expect(result.errors.isEmpty)
    }

    @Test func iterationsInFlightMayFinishWithinTheGracePeriod() throws {
        let url = sharedFixture.base + "/delay?ms=400"
        let result = try runLoad(Options(scenarios: [
            "s": .constantVUs(2, duration: .milliseconds(500), gracefulStop: .seconds(3)),
        ])) { vu in
            _ = try await vu.http.get(url, name: "slow")
        }
        #expect(result.interruptedRequests == 0)
        #expect(result.scenario("s")?.interruptedIterations == 0)
        #expect(result.stats("slow")?.count == 4)
    }

    @Test func sleepingVUsAreInterruptedToo() throws {
        let started = Date()
        let result = try runLoad(Options(scenarios: [
            "s": .constantVUs(5, duration: .milliseconds(300), gracefulStop: .milliseconds(200)),
        ])) { vu in
            try await vu.sleep(.seconds(10))
        }
        #expect(Date().timeIntervalSince(started) < 2)
        #expect(result.scenario("s")?.interruptedIterations == 5)
    }
}
