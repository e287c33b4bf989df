import Testing
@testable import SwiftLoad

/// The open model's schedule, driven by a manual clock: instants are plain numbers here.
@Suite struct ArrivalScheduleTests {
    private func drain(_ s: inout ArrivalSchedule, until now: UInt64) -> [UInt64] {
        var out: [UInt64] = []
        while let t = s.popDue(now: now) { out.append(t) }
        return out
    }

    @Test func twoHundredPerSecondForFiveSecondsIsExactlyOneThousandArrivals() {
        let config = ConstantArrivalRate(rate: 200, duration: .seconds(5), preAllocatedVUs: 10)
        #expect(config.totalIterations == 1000)
        var s = ArrivalSchedule(start: 1_000, intervalNanoseconds: config.intervalNanoseconds,
                                total: config.totalIterations, worker: 0, participants: 1)
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
        var a = ArrivalSchedule(start: 0, intervalNanoseconds: config.intervalNanoseconds, total: 10, worker: 0, participants: 2)
        var b = ArrivalSchedule(start: 0, intervalNanoseconds: config.intervalNanoseconds, total: 10, worker: 1, participants: 2)
        let ta = drain(&a, until: .max), tb = drain(&b, until: .max)
        #expect(ta == [0, 200_000_000, 400_000_000, 600_000_000, 800_000_000])
        #expect(tb == [100_000_000, 300_000_000, 500_000_000, 700_000_000, 900_000_000])
    }

    @Test func aLateWakeUpCatchesUpWithTheScheduledInstants() {
        var s = ArrivalSchedule(start: 0, intervalNanoseconds: 10_000_000, total: 100, worker: 0, participants: 1)
        #expect(drain(&s, until: 0) == [0])
        #expect(drain(&s, until: 5_000_000).isEmpty)
        #expect(s.nextDeadline == 10_000_000)
        // The loop was blocked for 35 ms: every missed arrival keeps its own scheduled instant.
        #expect(drain(&s, until: 45_000_000) == [10_000_000, 20_000_000, 30_000_000, 40_000_000])
        #expect(s.nextDeadline == 50_000_000)
    }

    @Test func fractionalIntervalsDoNotDrift() {
        // 3 per second: 333.33 ms apart, rounded per arrival rather than accumulated.
        let config = ConstantArrivalRate(rate: 3, duration: .seconds(10), preAllocatedVUs: 1)
        var s = ArrivalSchedule(start: 0, intervalNanoseconds: config.intervalNanoseconds,
                                total: config.totalIterations, worker: 0, participants: 1)
        let all = drain(&s, until: .max)
        #expect(all.count == 30)
        #expect(all[29] == 9_666_666_667)
    }

    @Test func ratePerMinuteAndOddDurations() {
        #expect(ConstantArrivalRate(rate: 60, timeUnit: .seconds(60), duration: .seconds(10), preAllocatedVUs: 1).totalIterations == 10)
        #expect(ConstantArrivalRate(rate: 200, duration: .milliseconds(1002), preAllocatedVUs: 1).totalIterations == 201)
        #expect(ConstantArrivalRate(rate: 1, duration: .milliseconds(500), preAllocatedVUs: 1).totalIterations == 1)
    }
}
