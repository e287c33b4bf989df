import Foundation
import Testing
@testable import SwiftLoad
import TestSupport

@Suite(.serialized) struct MetricsTests {
    struct ScriptError: Error, CustomStringConvertible { var description: String { "bad luck" } }

    @Test func failedChecksAndThrowingIterationsDoNotStopTheRun() throws {
        let url = sharedFixture.base + "/ok"
        let result = try runLoad(Options(scenarios: ["s": .constantVUs(2, iterations: 20)])) { vu in
            let r = try await vu.http.get(url, name: "ok")
            vu.check(r, "always fails") { _ in false }
            vu.check(r, ["status 200": { $0.status == 200 }, "body ok": { $0.text == "ok" }])
            if vu.iteration % 2 == 0 { throw ScriptError() }
            _ = try await vu.http.get(url, name: "after")
        }
        let checks = Dictionary(uniqueKeysWithValues: result.checks.map { ($0.name, $0) })
        #expect(checks["always fails"]?.fails == 20)
        #expect(checks["status 200"]?.passes == 20)
        #expect(checks["body ok"]?.passes == 20)
        let s = try #require(result.scenario("s"))
        #expect(s.iterations + s.failedIterations == 20)
        #expect(s.failedIterations >= 9)
        #expect(result.errors.contains { $0.kind == "script" && $0.sample == "bad luck" && $0.count == s.failedIterations })
        #expect(result.stats("after")?.count == s.iterations)
    }

    @Test func thresholdsDecideTheExitCode() throws {
        let url = sharedFixture.base + "/delay?ms=20"
        let options = Options(scenarios: ["s": .constantVUs(2, iterations: 20)], thresholds: [
            "http_req_duration{name:d}": ["p(99) < 5s", "med > 19ms", "avg < 1s", "max < 10s", "count == 20"],
            "http_req_failed": "rate == 0",
            "http_reqs": "count >= 20",
            "iterations{scenario:s}": "count == 20",
            "checks": "rate == 1",
        ])
        let ok = try runLoad(options) { vu in
            let r = try await vu.http.get(url, name: "d")
            vu.check(r, "200") { $0.status == 200 }
        }
        #expect(ok.thresholds.count == 9)
        let failing = ok.thresholds.filter { !$0.passed }
        #expect(failing.isEmpty, "\(failing)")
        #expect(ok.exitCode == 0)

        var strict = options
        strict.thresholds = ["http_req_duration{name:d}": "p(99) < 1ms", "http_req_duration{name:missing}": "p(99) < 1s"]
        let failed = try runLoad(strict) { vu in _ = try await vu.http.get(url, name: "d") }
        #expect(failed.exitCode == 99)
        #expect(failed.thresholds.filter { !$0.passed }.count == 2)
        #expect(failed.thresholds.first { $0.metric.contains("missing") }?.note == "no samples")
    }

    @Test func malformedThresholdsAndScenariosAreConfigurationErrors() {
        do {
            _ = try runLoad(Options(scenarios: ["s": .constantVUs(0, duration: .seconds(1))],
                                    thresholds: ["http_req_duration": "p(99) <"])) { _ in }
            Issue.record("ran")
        } catch {
            #expect(error.problems.count == 2)
            #expect(error.problems.contains { $0.contains("expected a number at column 8") })
            #expect(error.problems.contains("scenario 's': vus must be at least 1 (got 0)"))
        }
    }

    @Test func theResultCarriesTimeSeriesAndMergeableHistograms() throws {
        let url = sharedFixture.base + "/ok"
        let result = try runLoad(Options(scenarios: ["s": .constantArrivalRate(50, duration: .seconds(3), preAllocatedVUs: 5)])) { vu in
            _ = try await vu.http.get(url, name: "ok")
        }
        #expect(result.schemaVersion == 2)
        #expect(result.timeSeries.count >= 3)
        #expect(result.timeSeries.reduce(0) { $0 + $1.requests } == result.requests.count)
        let series = try #require(result.histograms.series.first { $0.name == "ok" })
        #expect(series.scenario == "s" && series.group == "" && series.requests == result.requests.count)
        let encoded = try #require(series.metrics["http_req_duration"])
        #expect(encoded.count == UInt64(result.requests.count))
        #expect(encoded.decode().valueAtPercentile(99) == UInt64((result.requests.duration.p99 * 1000).rounded()))
        // The JSON round trip keeps everything a reader needs.
        let data = try JSONReport.encode(result)
        let back = try JSONDecoder().decode(RunResult.self, from: data)
        #expect(back.requests.count == result.requests.count)
        #expect(back.histograms.series.first?.metrics["http_req_duration"] == encoded)
    }

    @Test func environmentReachesTheVUs() throws {
        setenv("SWIFTLOAD_TEST_FROM_PROCESS", "process", 1)
        let seen = Mutex<[String]>([])
        _ = try runLoad(Options(), config: RunConfig(env: ["FROM_CLI": "cli", "SWIFTLOAD_TEST_FROM_PROCESS": "overridden"], quiet: true)) { vu in
            seen.withLock { $0 = [vu.env["FROM_CLI"] ?? "-", vu.env["SWIFTLOAD_TEST_FROM_PROCESS"] ?? "-", vu.env["HOME"] ?? "-", vu.env["NOPE", default: "fallback"]] }
        }
        #expect(seen.withLock { $0 } == ["cli", "overridden", ProcessInfo.processInfo.environment["HOME"] ?? "-", "fallback"])
    }
}

import Synchronization
