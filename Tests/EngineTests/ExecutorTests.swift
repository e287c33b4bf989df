import Foundation
import Testing
@testable import SwiftLoad
import TestSupport

/// The executors against real servers: ramps followed second by second, iteration counts exact,
/// several scenarios side by side and one after another.
@Suite(.serialized) struct ExecutorTests {
    @Test func aRampingArrivalRateIsFollowedWithinFivePercentEverySecond() throws {
        let nginx = try NginxServer()
        let url = nginx.base + "/f64"
        let result = try runLoad(Options(scenarios: [
            "ramp": .rampingArrivalRate(startRate: 100, stages: [.ramp(to: 300, over: .seconds(3)), .hold(300, for: .seconds(2))],
                                        preAllocatedVUs: 20, maxVUs: 100),
        ])) { vu in
            _ = try await vu.http.get(url, name: "f64")
        }
        let s = try #require(result.scenario("ramp"))
        // The integral of the rate: 600 over the ramp, 600 over the hold.
        #expect(abs(s.iterations - 1200) <= 2, "\(s.iterations) iterations")
        #expect(s.droppedIterations == 0)
        #expect(abs(nginx.accessLog().count - 1200) <= 2)
        // Interval i covers [i, i+1) s; the rate is 100 + 200/3·t up to 3 s, then 300.
        func expected(_ i: Int) -> Double {
            func c(_ t: Double) -> Double { t <= 3 ? 100 * t + 100 / 3 * t * t : 600 + 300 * (t - 3) }
            return c(Double(i + 1)) - c(Double(i))
        }
        let full = result.timeSeries.enumerated().filter { $0.offset >= 1 && $0.element.seconds > 0.99 }
        #expect(full.count >= 3)
        for (i, p) in full {
            let want = expected(i)
            #expect(abs(Double(p.requests) - want) <= want * 0.05, "second \(i): \(p.requests) requests, want \(want)")
        }
    }

    @Test func rampingVUsFollowTheStagesAndRetireTheLastStarted() throws {
        let nginx = try NginxServer()
        let url = nginx.base + "/f64"
        let stages: [Stage] = [.ramp(to: 3, over: .milliseconds(2500)), .hold(3, for: .seconds(1)), .ramp(to: 0, over: .milliseconds(1200))]
        let ids = Collected<Int>()
        let result = try runLoad(Options(scenarios: ["ramp": .rampingVUs(stages: stages)])) { vu in
            ids.add(vu.id)
            _ = try await vu.http.get(url, name: "f64")
            try await vu.sleep(.milliseconds(50))
        }
        // Each point's VU count is the stage line's whole-number value at the point's end (within
        // the 100 ms a 1 Hz tick may be late by on a busy machine).
        let changes = RampSchedule.changes(startVUs: 0, stages: stages)
        func target(at t: Double) -> Int {
            changes.last { Double($0.offset) / 1e9 <= t }?.target ?? 0
        }
        let points = result.timeSeries.filter { $0.seconds > 0.99 }
        #expect(points.count >= 4)
        for p in points {
            let vus = p.byScenario["ramp"]?.vus ?? 0
            let allowed = Set([target(at: p.t - 0.1), target(at: p.t), target(at: p.t + 0.1)])
            #expect(allowed.contains(vus), "at \(p.t) s: \(vus) VUs, want \(allowed.sorted())")
        }
        let s = try #require(result.scenario("ramp"))
        #expect(s.vusMax == 3)
        #expect(Set(ids.all).count == 3)
        #expect(s.interruptedIterations == 0)
    }

    @Test(arguments: [(Duration.milliseconds(200), 1), (Duration.seconds(3), 0)])
    func aRampDownLetsTheIterationFinishWithinGracefulRampDown(grace: Duration, interrupted: Int) throws {
        // Two VUs for 0.5 s, then one until 1.9 s. Iterations take a second; the VU removed at
        // 0.5 s is interrupted after a short grace period or finishes its iteration in a long one.
        let stages: [Stage] = [.hold(2, for: .milliseconds(500)), .ramp(to: 1, over: .zero), .hold(1, for: .milliseconds(1400))]
        let result = try runLoad(Options(scenarios: [
            "ramp": .rampingVUs(startVUs: 2, stages: stages, gracefulRampDown: grace),
        ])) { vu in
            try await vu.sleep(.seconds(1))
        }
        let s = try #require(result.scenario("ramp"))
        #expect(s.interruptedIterations == interrupted)
        // The VU that stays runs iterations at 0 and 1 s; the removed one adds its first when
        // allowed to finish it.
        #expect(s.iterations == 3 - interrupted, "\(s.iterations) iterations")
    }

    @Test func perVUIterationsRunExactlyThatManyOnEachVU() throws {
        let nginx = try NginxServer()
        let url = nginx.base + "/f64"
        let ids = Collected<Int>()
        let result = try runLoad(Options(scenarios: ["each": .perVUIterations(vus: 3, iterations: 4)], workers: 2)) { vu in
            ids.add(vu.id)
            _ = try await vu.http.get(url, name: "f64")
        }
        let perVU = Dictionary(grouping: ids.all, by: { $0 }).mapValues(\.count)
        #expect(perVU == [1: 4, 2: 4, 3: 4])
        #expect(result.scenario("each")?.iterations == 12)
        #expect(nginx.accessLog().count == 12)
    }

    @Test func sharedIterationsAreSplitAcrossWorkersExactly() throws {
        let nginx = try NginxServer()
        let url = nginx.base + "/f64"
        let ids = Collected<Int>()
        let result = try runLoad(Options(scenarios: ["shared": .sharedIterations(vus: 4, iterations: 50)], workers: 2)) { vu in
            ids.add(vu.id)
            _ = try await vu.http.get(url, name: "f64")
        }
        #expect(result.scenario("shared")?.iterations == 50)
        #expect(nginx.accessLog().count == 50)
        #expect(Set(ids.all).isSubset(of: [1, 2, 3, 4]))
    }

    @Test func iterationCountsStopAtMaxDuration() throws {
        let started = Date()
        let result = try runLoad(Options(scenarios: [
            "capped": .sharedIterations(vus: 2, iterations: 1000, maxDuration: .milliseconds(500), gracefulStop: .zero),
        ])) { vu in
            try await vu.sleep(.milliseconds(100))
        }
        let s = try #require(result.scenario("capped"))
        #expect(Date().timeIntervalSince(started) < 2)
        #expect((8...10).contains(s.iterations), "\(s.iterations) iterations")
        #expect(s.interruptedIterations == 2)
    }

    @Test func scenariosRunSideBySideAndInSequenceEachWithItsOwnIterationAndTags() throws {
        let nginx = try NginxServer()
        let base = nginx.base
        let batchStarts = Collected<UInt64>()
        let t0 = MonotonicClock.now()
        let options = Options(scenarios: [
            "api": Scenario.constantVUs(2, duration: .milliseconds(1500))
                .tagged(["kind": "api"])
                .running { vu in
                    _ = try await vu.http.get(base + "/f64", name: "read")
                    try await vu.sleep(.milliseconds(20))
                },
            "batch": Scenario.perVUIterations(vus: 1, iterations: 3)
                .startingAt(.seconds(1))
                .tagged(["kind": "batch"])
                .running { vu in
                    batchStarts.add(MonotonicClock.now())
                    _ = try await vu.http.post(base + "/f64", body: .string("x"), name: "write")
                },
        ], thresholds: [
            "http_reqs{scenario:batch}": "count == 3",
            "http_reqs{kind:batch}": "count == 3",
            "http_req_duration{kind:api}": "p(99) < 10s",
            "iterations{scenario:batch}": "count == 3",
        ])
        let result = try runLoad(options) { _ in Issue.record("the test's own iteration ran") }
        #expect(result.thresholds.filter { !$0.passed }.isEmpty, "\(result.thresholds)")
        let api = try #require(result.scenario("api")), batch = try #require(result.scenario("batch"))
        #expect(batch.iterations == 3)
        #expect(batch.requests.count == 3)
        #expect(batch.byName.map { $0.name } == ["write"])
        #expect(api.byName.map { $0.name } == ["read"])
        #expect(api.tags == ["kind": "api"])
        #expect(api.requests.count + batch.requests.count == result.requests.count)
        #expect(result.requests.count == nginx.accessLog().count)
        #expect(batchStarts.all.count == 3)
        #expect(batchStarts.all.allSatisfy { Double($0 &- t0) / 1e9 >= 1.0 })
        // The first second holds the API's requests only.
        #expect(result.timeSeries.first?.byScenario["batch"]?.requests ?? 0 == 0)
        #expect((result.timeSeries.first?.byScenario["api"]?.requests ?? 0) > 0)
        // Series carry the scenario's tags.
        #expect(result.histograms.series.contains { $0.scenario == "batch" && $0.tags == ["kind": "batch"] })
    }

    @Test func eachScenarioStopsWithItsOwnGracefulStop() throws {
        let result = try runLoad(Options(scenarios: [
            "short": .constantVUs(1, duration: .milliseconds(300), gracefulStop: .milliseconds(100)),
            "long": .constantVUs(1, duration: .milliseconds(300), gracefulStop: .seconds(3)),
        ])) { vu in
            try await vu.sleep(.milliseconds(800))
        }
        #expect(result.scenario("short")?.interruptedIterations == 1)
        #expect(result.scenario("short")?.iterations == 0)
        #expect(result.scenario("long")?.interruptedIterations == 0)
        #expect(result.scenario("long")?.iterations == 1)
    }
}
