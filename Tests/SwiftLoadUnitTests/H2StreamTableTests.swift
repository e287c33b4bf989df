import Testing
@testable import SwiftLoad

/// The connection's table of open streams, checked against a `Dictionary` doing the same.
@Suite struct H2StreamTableTests {
    /// Every id the model holds is found with its value, and a few it does not hold are not.
    private func agree(_ table: H2StreamTable<Int>, _ model: [Int32: Int], probes: [Int32]) {
        #expect(table.count == model.count)
        #expect(table.isEmpty == model.isEmpty)
        for (id, v) in model { #expect(table[id] == v, "id \(id)") }
        for id in probes where model[id] == nil { #expect(table[id] == nil, "id \(id)") }
        #expect(table.values.sorted() == model.values.sorted())
    }

    @Test func consecutiveStreamsComeAndGoAsAConnectionSendsThem() {
        // A connection's life: odd ids in order, ten open at a time, each closing a few later.
        var table = H2StreamTable<Int>()
        var model: [Int32: Int] = [:]
        var rng = SystemRandomNumberGenerator()
        var next: Int32 = 1
        for step in 0..<5_000 {
            if model.count < 10 {
                table.insert(step, for: next)
                model[next] = step
                next += 2
            } else {
                let id = model.keys.randomElement(using: &rng)!
                #expect(table.remove(id) == model.removeValue(forKey: id))
            }
            if step % 97 == 0 { agree(table, model, probes: [0, 2, next, next &- 22, 1]) }
        }
        agree(table, model, probes: Array(stride(from: Int32(1), to: next, by: 2)))
    }

    @Test func crowdedTablesSurviveRemovalsInAnyOrder() {
        // Pools of 6 to 45 ids, most of them in the table at once: tables near half full,
        // long probe runs, runs that wrap past the last slot, removals from their middle.
        for seed in 0..<200 {
            var g = SplitMix64(seed: UInt64(seed))
            var table = H2StreamTable<Int>()
            var model: [Int32: Int] = [:]
            let all: [Int32] = (0..<40).map { Int32(1 + 32 * $0) } + [Int32.max, Int32.max - 2, 1_000_001, 999_999, 3]
            var keyed: [(UInt64, Int32)] = []
            for id in all { keyed.append((g.next(), id)) }
            let pool = keyed.sorted { $0.0 < $1.0 }.prefix(6 + seed % 40).map(\.1)
            for step in 0..<400 {
                let id = pool[Int(g.next() % UInt64(pool.count))]
                if g.next() % 4 == 0 {
                    #expect(table.remove(id) == model.removeValue(forKey: id), "seed \(seed) step \(step)")
                } else {
                    table.insert(step, for: id)
                    model[id] = step
                }
                if step % 10 == 0 { agree(table, model, probes: pool) }
            }
            agree(table, model, probes: pool)
            table.removeAll()
            agree(table, [:], probes: pool)
            table.insert(7, for: 3)
            agree(table, [3: 7], probes: pool)
        }
    }

    @Test func theSlotsFollowTheStreamsOpenAtOnceNotTheStreamsCarried() {
        var table = H2StreamTable<Int>()
        for id in stride(from: Int32(1), to: 200_001, by: 2) {
            table.insert(Int(id), for: id)
            if id > 20 { #expect(table.remove(id - 20) == Int(id - 20)) }
        }
        #expect(table.count == 10)
        #expect(table.capacity == 32)   // 16 slots hold 8 streams; eleven at once need 32
    }
}
