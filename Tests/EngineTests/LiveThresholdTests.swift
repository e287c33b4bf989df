import Foundation
import Testing
@testable import SwiftLoad
import TestSupport

/// Thresholds evaluated while the run goes: `abortOnFail` stops it (exit 99), its delay holds
/// the first check off, and a threshold that holds never stops anything.
@Suite(.serialized) struct LiveThresholdTests {
    @Test func aFailingAbortOnFailThresholdStopsTheRunWithinAboutASecond() throws {
        let url = sharedFixture.base + "/delay?ms=20"
        let result = try runLoad(Options(scenarios: ["s": .constantVUs(2, duration: .seconds(30))],
                                         thresholds: ["http_req_duration": "p(99) < 1ms abortOnFail",
                                                      "http_req_failed": "rate < 1%"])) { vu in
            _ = try await vu.http.get(url, name: "slow")
        }
        #expect(result.exitCode == 99)
        #expect(result.run.interrupted)
        #expect(result.run.durationSeconds < 4, "ran \(result.run.durationSeconds) s")
        #expect(result.run.interruptReason?.contains("http_req_duration: p(99) < 1ms abortOnFail") == true, "\(result.run.interruptReason ?? "")")
        #expect(result.run.stopKind == "threshold")
        // The final verdicts are still all there.
        #expect(result.thresholds.count == 2)
        #expect(result.thresholds.first { $0.metric == "http_req_duration" }?.passed == false)
        #expect(result.thresholds.first { $0.metric == "http_req_failed" }?.passed == true)
        #expect((result.stats("slow")?.count ?? 0) > 20)
    }

    @Test func theAbortDelayHoldsTheFirstCheckOff() throws {
        let url = sharedFixture.base + "/delay?ms=20"
        let result = try runLoad(Options(scenarios: ["s": .constantVUs(2, duration: .seconds(30))],
                                         thresholds: ["http_req_duration{name:slow}": "p(99) < 1ms abortOnFail(3s)"])) { vu in
            _ = try await vu.http.get(url, name: "slow")
        }
        #expect(result.exitCode == 99)
        #expect(result.run.durationSeconds >= 3 && result.run.durationSeconds < 6, "ran \(result.run.durationSeconds) s")
    }

    @Test func abortOnFailOnAnErrorRateAndAPassingThresholdThatNeverStopsTheRun() throws {
        // Every fifth request fails: 20 % > 10 % stops the run; the latency threshold holds.
        let base = sharedFixture.base
        let failing = try runLoad(Options(scenarios: ["s": .constantVUs(2, duration: .seconds(30))],
                                          thresholds: ["http_req_failed": "rate < 10% abortOnFail(1s)"])) { vu in
            _ = try await vu.http.get(base + "/status?code=\(vu.iteration % 5 == 0 ? 500 : 200)", name: "mixed")
            try await vu.sleep(.milliseconds(5))
        }
        #expect(failing.exitCode == 99)
        #expect(failing.run.durationSeconds < 5)

        let passing = try runLoad(Options(scenarios: ["s": .constantVUs(2, duration: .seconds(2))],
                                          thresholds: ["http_req_duration": "p(99) < 5s abortOnFail"])) { vu in
            _ = try await vu.http.get(base + "/ok", name: "ok")
            try await vu.sleep(.milliseconds(5))
        }
        #expect(passing.exitCode == 0)
        #expect(!passing.run.interrupted)
        #expect(passing.run.durationSeconds >= 2)
    }
}
