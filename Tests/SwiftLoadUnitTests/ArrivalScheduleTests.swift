import Testing
@testable import SwiftLoad

/// The open model's schedules and the ramping-VUs schedule, driven by a manual clock: instants
/// are plain numbers here.
@Suite struct ArrivalScheduleTests {
    private func drain(_ s: inout ArrivalSchedule, until now: UInt64) -> [UInt64] {
        var out: [UInt64] = []
        while let t = s.popDue(now: now) { out.append(t) }
        return out
    }

    private func schedule(_ c: ConstantArrivalRate, start: UInt64 = 0, worker: Int = 0, of p: Int = 1) -> ArrivalSchedule {
        ArrivalSchedule(start: start, curve: c.curve, worker: worker, participants: p)
    }

    @Test func twoHundredPerSecondForFiveSecondsIsExactlyOneThousandArrivals() {
        let config = ConstantArrivalRate(rate: 200, duration: .seconds(5), preAllocatedVUs: 10)
        #expect(config.totalIterations == 1000)
        var s = schedule(config, start: 1_000)
        let all = drain(&s, until: .max)
        #expect(all.count == 1000)
        #expect(all.first == 1_000)
        #expect(all.last == 1_000 + 4_995_000_000)
        #expect(zip(all, all.dropFirst()).allSatisfy { $1 - $0 == 5_000_000 })
        #expect(s.isExhausted)
        #expect(s.nextDeadline == nil)
    }

    @Test func workersInterleaveTheirShares() {
        let config = ConstantArrivalRate(rate: 10, duration: .seconds(1), preAllocatedVUs: 2)
        var a = schedule(config, worker: 0, of: 2), b = schedule(config, worker: 1, of: 2)
        #expect(drain(&a, until: .max) == [0, 200_000_000, 400_000_000, 600_000_000, 800_000_000])
        #expect(drain(&b, until: .max) == [100_000_000, 300_000_000, 500_000_000, 700_000_000, 900_000_000])
    }

    @Test func aLateWakeUpCatchesUpWithTheScheduledInstants() {
        var s = schedule(ConstantArrivalRate(rate: 100, duration: .seconds(1), preAllocatedVUs: 1))
        #expect(drain(&s, until: 0) == [0])
        #expect(drain(&s, until: 5_000_000).isEmpty)
        #expect(s.nextDeadline == 10_000_000)
        // The loop was blocked for 35 ms: every missed arrival keeps its own scheduled instant.
        #expect(drain(&s, until: 45_000_000) == [10_000_000, 20_000_000, 30_000_000, 40_000_000])
        #expect(s.nextDeadline == 50_000_000)
    }

    @Test func fractionalIntervalsDoNotDrift() {
        var s = schedule(ConstantArrivalRate(rate: 3, duration: .seconds(10), preAllocatedVUs: 1))
        let all = drain(&s, until: .max)
        #expect(all.count == 30)
        #expect(all[29] == 9_666_666_667)
    }

    @Test func ratePerMinuteAndOddDurations() {
        #expect(ConstantArrivalRate(rate: 60, timeUnit: .seconds(60), duration: .seconds(10), preAllocatedVUs: 1).totalIterations == 10)
        #expect(ConstantArrivalRate(rate: 200, duration: .milliseconds(1002), preAllocatedVUs: 1).totalIterations == 201)
        #expect(ConstantArrivalRate(rate: 1, duration: .milliseconds(500), preAllocatedVUs: 1).totalIterations == 1)
    }

    @Test func aRampingRateDeliversTheIntegralOfTheRatePerSecond() {
        // 0 → 100/s over 10 s, then 100/s for 5 s: 500 + 500 expected arrivals.
        let ramp = RampingArrivalRate(startRate: 0, stages: [.ramp(to: 100, over: .seconds(10)), .hold(100, for: .seconds(5))],
                                      preAllocatedVUs: 10)
        var s = ArrivalSchedule(start: 0, curve: ramp.curve, worker: 0, participants: 1)
        let all = drain(&s, until: .max)
        #expect(ramp.curve.expected == 1000)
        #expect(all.count == 999)   // the first arrival waits for one whole arrival to accumulate
        #expect(zip(all, all.dropFirst()).allSatisfy { $0 < $1 })
        // Second k of the ramp holds about 10·(k + ½) arrivals; of the plateau exactly 100.
        for k in 0..<15 {
            let n = all.filter { $0 >= UInt64(k) * 1_000_000_000 && $0 < UInt64(k + 1) * 1_000_000_000 }.count
            let expected = k < 10 ? 10 * Double(k) + 5 : 100
            #expect(abs(Double(n) - expected) <= 1, "second \(k): \(n) arrivals, expected \(expected)")
        }
    }

    @Test func aRampDownSlowsArrivalsAndZeroStopsThem() {
        let ramp = RampingArrivalRate(startRate: 50, stages: [.ramp(to: 0, over: .seconds(2)), .hold(0, for: .seconds(3)),
                                                              .ramp(to: 20, over: .seconds(1))], preAllocatedVUs: 5)
        var s = ArrivalSchedule(start: 0, curve: ramp.curve, worker: 0, participants: 1)
        let all = drain(&s, until: .max)
        #expect(all.first == 0)
        #expect(all.filter { $0 < 1_000_000_000 }.count == 38)          // ∫ 50→25 over 1 s = 37.5
        #expect(all.filter { $0 > 2_000_000_000 && $0 < 5_000_000_000 }.isEmpty)   // the 51st is due exactly as the ramp ends
        #expect(all.count == Int((ramp.curve.expected - 1e-6).rounded(.up)))
    }
}

@Suite struct RampScheduleTests {
    @Test func theVUCountChangesByOneAsTheLineCrossesWholeNumbers() {
        let c = RampSchedule.changes(startVUs: 0, stages: [.ramp(to: 4, over: .seconds(4)), .hold(4, for: .seconds(2)),
                                                           .ramp(to: 1, over: .seconds(3)), .ramp(to: 5, over: .zero)])
        #expect(c.map(\.target) == [0, 1, 2, 3, 4, 3, 2, 1, 2, 3, 4, 5])
        #expect(c.map { $0.offset / 1_000_000_000 } == [0, 1, 2, 3, 4, 7, 8, 9, 9, 9, 9, 9])
    }

    @Test func workersShareTheCount() throws {
        let plan = try ExecutionPlan.make(options: Options(scenarios: [
            "r": .rampingVUs(stages: [.ramp(to: 5, over: .seconds(5))]),
        ]), workers: 2)
        let p = plan.scenarios[0]
        for target in 0...5 {
            #expect(p.share(target, worker: 0) + p.share(target, worker: 1) == target)
        }
    }
}
