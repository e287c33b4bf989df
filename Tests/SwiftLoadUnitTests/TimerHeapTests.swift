import Testing
@testable import SwiftLoad

@Suite struct TimerHeapTests {
    @Test func popsDueTimersInDeadlineThenInsertionOrder() {
        var heap = TimerHeap<Int>()
        var rng = SystemRandomNumberGenerator()
        var inserted: [(UInt64, Int)] = []
        for i in 0..<2000 {
            let d = UInt64.random(in: 0...500, using: &rng)
            heap.insert(deadline: d, i)
            inserted.append((d, i))
        }
        #expect(heap.popDue(now: 0) == inserted.filter { $0.0 == 0 }.first?.1)
        var popped: [Int] = inserted.filter { $0.0 == 0 }.first.map { [$0.1] } ?? []
        while let x = heap.popDue(now: 250) { popped.append(x) }
        let expected = inserted.filter { $0.0 <= 250 }.sorted { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }.map(\.1)
        #expect(popped == expected)
        #expect(heap.nextDeadline.map { $0 > 250 } ?? true)
        #expect(heap.removeAll().count == inserted.count - expected.count)
        #expect(heap.isEmpty)
    }
}
