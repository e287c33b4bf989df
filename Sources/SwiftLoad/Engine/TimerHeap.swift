/// A binary min-heap of deadlines for one worker's event loop.
///
/// Entries are never removed from the middle: a cancelled sleep is left in place and its action
/// checks a token when it fires, which keeps `insert` and `popDue` O(log n) with no side index.
struct TimerHeap<Action> {
    private struct Entry {
        let deadline: UInt64
        let sequence: UInt64   // breaks ties so equal deadlines fire in insertion order
        let action: Action
    }

    private var entries: [Entry] = []
    private var nextSequence: UInt64 = 0

    var isEmpty: Bool { entries.isEmpty }
    var count: Int { entries.count }
    // `entries[0].deadline`, not `entries.first?.deadline`: `first` copies the whole entry, a
    // retain and a release of its action, and the loop asks every turn (about once a request).
    var nextDeadline: UInt64? { entries.isEmpty ? nil : entries[0].deadline }

    mutating func insert(deadline: UInt64, _ action: Action) {
        entries.append(Entry(deadline: deadline, sequence: nextSequence, action: action))
        nextSequence &+= 1
        siftUp(entries.count - 1)
    }

    /// Removes and returns the earliest action whose deadline is at or before `now`.
    mutating func popDue(now: UInt64) -> Action? {
        guard !entries.isEmpty, entries[0].deadline <= now else { return nil }
        return popFirst()
    }

    /// Removes every entry, earliest first.
    mutating func removeAll() -> [Action] {
        var out: [Action] = []
        out.reserveCapacity(entries.count)
        while let a = popFirst() { out.append(a) }
        return out
    }

    private mutating func popFirst() -> Action? {
        guard !entries.isEmpty else { return nil }
        let top = entries[0]
        let last = entries.removeLast()
        if !entries.isEmpty {
            entries[0] = last
            siftDown(0)
        }
        return top.action
    }

    private func less(_ a: Int, _ b: Int) -> Bool {
        let x = entries[a], y = entries[b]
        return x.deadline < y.deadline || (x.deadline == y.deadline && x.sequence < y.sequence)
    }

    private mutating func siftUp(_ index: Int) {
        var i = index
        while i > 0 {
            let parent = (i - 1) / 2
            if !less(i, parent) { break }
            entries.swapAt(i, parent)
            i = parent
        }
    }

    private mutating func siftDown(_ index: Int) {
        var i = index
        let n = entries.count
        while true {
            let l = 2 * i + 1, r = l + 1
            var m = i
            if l < n && less(l, m) { m = l }
            if r < n && less(r, m) { m = r }
            if m == i { return }
            entries.swapAt(i, m)
            i = m
        }
    }
}
