import Testing
@testable import SwiftLoad

/// Options with random and extreme numbers are either planned or refused with problems in
/// words; planning never traps (`LoadRunner.inspect` validates exactly as `run` does).
@Suite struct OptionsFuzzTests {
    static let ints = [Int.min, -1_000_000, -1, 0, 1, 2, 7, 1_000, 1_000_000, 1_000_001, Int(Int32.max),
                       1 << 40, Int.max - 1, Int.max]
    static let durations: [Duration] = [.zero, .nanoseconds(1), .milliseconds(1), .seconds(1), .seconds(-1),
                                         .seconds(3600), .seconds(366 * 86_400), .seconds(366 * 86_400 + 1),
                                         .seconds(Int64.max / 4), .seconds(Int64.max), .seconds(Int64.min)]

    func randomExecutor(_ rng: inout SystemRandomNumberGenerator) -> Scenario {
        func i() -> Int { Bool.random(using: &rng) ? Self.ints.randomElement(using: &rng)! : Int.random(in: -10...5_000, using: &rng) }
        func d() -> Duration { Self.durations.randomElement(using: &rng)! }
        func stages() -> [Stage] { (0..<Int.random(in: 0...3, using: &rng)).map { _ in Stage(target: i(), duration: d()) } }
        var s: Scenario
        switch Int.random(in: 0..<6, using: &rng) {
        case 0: s = .constantVUs(i(), duration: d())
        case 1: s = .sharedIterations(vus: i(), iterations: i(), maxDuration: d())
        case 2: s = .perVUIterations(vus: i(), iterations: i(), maxDuration: d())
        case 3: s = .rampingVUs(startVUs: i(), stages: stages(), gracefulRampDown: d())
        case 4: s = .constantArrivalRate(i(), per: d(), duration: d(), preAllocatedVUs: i(), maxVUs: i())
        default: s = .rampingArrivalRate(startRate: i(), per: d(), stages: stages(), preAllocatedVUs: i(), maxVUs: i())
        }
        if Bool.random(using: &rng) { s = s.startingAt(d()) }
        if Bool.random(using: &rng) { s = s.gracefulStop(d()) }
        return s
    }

    @Test func randomOptionsArePlannedOrRefusedInWords() {
        var rng = SystemRandomNumberGenerator()
        var planned = 0, refused = 0
        for _ in 0..<20_000 {
            var o = Options(scenarios: ["a": randomExecutor(&rng)])
            if Bool.random(using: &rng) { o.scenarios["b"] = randomExecutor(&rng) }
            if Bool.random(using: &rng) { o.requestTimeout = Self.durations.randomElement(using: &rng)! }
            if Bool.random(using: &rng) { o.maxRedirects = Self.ints.randomElement(using: &rng)! }
            if Bool.random(using: &rng) { o.maxRequestNames = Self.ints.randomElement(using: &rng)! }
            if Bool.random(using: &rng) { o.workers = Self.ints.randomElement(using: &rng)! }
            if Bool.random(using: &rng) { o.http2.connectionsPerTarget = Self.ints.randomElement(using: &rng)! }
            if Bool.random(using: &rng) { o.grpcMaxMessageSize = Self.ints.randomElement(using: &rng)! }
            var overrides = RunOverrides()
            if Bool.random(using: &rng) { overrides.rate = [0.5, 1, 1e7, 1e7 + 1, -1, .nan, .infinity, 1e300, 0.0005].randomElement(using: &rng)! }
            if Bool.random(using: &rng) { overrides.vus = Self.ints.randomElement(using: &rng)! }
            if Bool.random(using: &rng) { overrides.iterations = Self.ints.randomElement(using: &rng)! }
            if Bool.random(using: &rng) { overrides.duration = Self.durations.randomElement(using: &rng)! }
            do {
                _ = try LoadRunner.inspect(options: o, config: RunConfig(overrides: overrides, workers: 2))
                planned += 1
            } catch {
                #expect(!error.problems.isEmpty)
                #expect(error.problems.allSatisfy { !$0.isEmpty && !$0.contains("\n") })
                refused += 1
            }
        }
        #expect(planned > 0 && refused > 0, "\(planned) planned, \(refused) refused")
    }

    @Test func fractionalRatesBecomeWholeArrivalsPerALongerUnit() throws {
        let o = RunOverrides(duration: .seconds(10), rate: 0.5).apply(to: Options(scenarios: ["s": .constantVUs(1, duration: .seconds(1))]))
        guard case .constantArrivalRate(let a) = o.scenarios["s"]?.executor else { Issue.record("not an arrival rate"); return }
        #expect(a.rate == 5 && a.timeUnit == .seconds(10))
        #expect(a.totalIterations == 5)
        #expect(RunOverrides.wholeRate(2.25)! == (225, .seconds(100)))
        #expect(RunOverrides.wholeRate(0.0001) == nil)
    }
}
