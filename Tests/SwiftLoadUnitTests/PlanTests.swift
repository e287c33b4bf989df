import Foundation
import Testing
@testable import SwiftLoad

@Suite struct PlanTests {
    @Test func everyConfigurationProblemIsReportedAtOnce() {
        let options = Options(scenarios: [
            "a": .constantVUs(0, duration: .seconds(-1)),
            "b": .constantArrivalRate(0, duration: .seconds(10), preAllocatedVUs: 5, maxVUs: 2),
            "bad name": .constantVUs(1, duration: .seconds(1)),
            "c": .rampingVUs(startVUs: -1, stages: [.ramp(to: -3, over: .seconds(-2))]),
            "d": .rampingArrivalRate(stages: [], preAllocatedVUs: 0),
            "e": .perVUIterations(vus: 2, iterations: 0).tagged(["bad tag": "x"]),
        ])
        do {
            _ = try ExecutionPlan.make(options: options, workers: 2)
            Issue.record("planned")
        } catch {
            #expect(error.problems.contains("scenario 'a': vus must be at least 1 (got 0)"))
            #expect(error.problems.contains("scenario 'a': duration must be positive (got -1s)"))
            #expect(error.problems.contains("scenario 'b': rate must be at least 1 (got 0)"))
            #expect(error.problems.contains("scenario 'b': maxVUs (2) must not be below preAllocatedVUs (5)"))
            #expect(error.problems.contains("scenario name 'bad name' may only hold letters, digits, '_', '-' and '.'"))
            #expect(error.problems.contains("scenario 'c': startVUs must not be negative (got -1)"))
            #expect(error.problems.contains("scenario 'c': stage 1: target VUs must not be negative (got -3)"))
            #expect(error.problems.contains("scenario 'c': stage 1: duration must not be negative"))
            #expect(error.problems.contains("scenario 'd': give at least one stage"))
            #expect(error.problems.contains("scenario 'd': maxVUs must be at least 1 (got 0)"))
            #expect(error.problems.contains("scenario 'e': iterations must be at least 1 (got 0)"))
            #expect(error.problems.contains("scenario 'e': tag name 'bad tag' may only hold letters, digits, '_', '-' and '.'"))
        }
    }

    @Test func vusAreSplitOverAtMostAsManyWorkersAsVUs() throws {
        let plan = try ExecutionPlan.make(options: Options(scenarios: [
            "big": .constantVUs(10, duration: .seconds(1)), "one": .constantVUs(1, duration: .seconds(1)),
        ]), workers: 4)
        let big = plan.scenarios[0], one = plan.scenarios[1]
        #expect(big.participants == 4)
        #expect((0..<4).map { big.share(10, worker: $0) } == [3, 3, 2, 2])
        #expect(one.participants == 1)
        #expect(one.share(1, worker: 1) == 0)
        // VU ids are unique across workers and scenarios.
        var ids = Set<Int>()
        for w in 0..<4 { for k in 0..<big.share(10, worker: w) { ids.insert(big.vuID(worker: w, index: k)) } }
        ids.insert(one.vuID(worker: 0, index: 0))
        #expect(ids == Set(1...11))
    }

    @Test func overridesReplaceTheScriptsValues() {
        let script = Options(scenarios: ["s": .constantVUs(10, duration: .seconds(30))])
        let quick = RunOverrides(vus: 3, duration: .seconds(5)).apply(to: script)
        #expect(quick.scenarios["s"]?.executor == .constantVUs(ConstantVUs(vus: 3, duration: .seconds(5))))
        let counted = RunOverrides(iterations: 50).apply(to: script)
        #expect(counted.scenarios["s"]?.executor == .sharedIterations(SharedIterations(vus: 10, iterations: 50, maxDuration: .seconds(600))))
        let bounded = RunOverrides(duration: .seconds(20), iterations: 50).apply(to: script)
        #expect(bounded.scenarios["s"]?.executor == .sharedIterations(SharedIterations(vus: 10, iterations: 50, maxDuration: .seconds(20))))
        let ramp = Options(scenarios: ["s": .rampingVUs(stages: [.ramp(to: 8, over: .seconds(5)), .ramp(to: 2, over: .seconds(5))])])
        #expect(RunOverrides(duration: .seconds(3)).apply(to: ramp).scenarios["s"]?.executor == .constantVUs(ConstantVUs(vus: 8, duration: .seconds(3))))
        #expect(RunOverrides().apply(to: ramp).scenarios["s"]?.executor == ramp.scenarios["s"]?.executor)
        let open = RunOverrides(rate: 200).apply(to: script)
        #expect(open.scenarios["s"]?.executor == .constantArrivalRate(ConstantArrivalRate(rate: 200, duration: .seconds(30), preAllocatedVUs: 10, maxVUs: 10)))
        let arrivals = RunOverrides(rate: 200, iterations: 1000).apply(to: script)
        guard case .constantArrivalRate(let a)? = arrivals.scenarios["s"]?.executor else { Issue.record("not open"); return }
        #expect(a.totalIterations == 1000)
    }

    @Test func scriptsWithoutScenariosGetADefaultOne() {
        #expect(RunOverrides().apply(to: Options()).scenarios["default"]?.executor
                == .sharedIterations(SharedIterations(vus: 1, iterations: 1)))
        #expect(RunOverrides(vus: 5, duration: .seconds(2)).apply(to: Options()).scenarios["default"]?.executor
                == .constantVUs(ConstantVUs(vus: 5, duration: .seconds(2))))
    }
}

@Suite struct RunConfigTests {
    @Test func aHandWrittenConfigurationNamesOnlyWhatItChanges() throws {
        let config = try JSONDecoder().decode(RunConfig.self, from: Data(#"{"overrides":{"vus":50,"iterations":2000},"env":{"URL":"x"}}"#.utf8))
        #expect(config.overrides == RunOverrides(vus: 50, iterations: 2000))
        #expect(config.env == ["URL": "x"])
        #expect(config.outputs.isEmpty && !config.quiet && !config.inspectOnly && config.plainProgressInterval == 10)
        // What swiftload run writes reads back the same.
        var full = RunConfig(scriptPath: "a.swift", workers: 3, thresholds: ["http_reqs:count>1"], quiet: true, inspectOnly: true)
        full.outputs = [OutputSpec(format: "json", path: "r.json")]
        #expect(try JSONDecoder().decode(RunConfig.self, from: JSONEncoder().encode(full)) == full)
    }
}
