/// A connection's open streams by id: open addressing, linear probing, at most half full, the
/// slot found by one multiplication (Fibonacci hashing). A `Dictionary` hashed each id with
/// SipHash, ~100 instructions a lookup and four or five lookups, inserts and removals per
/// request (callgrind). The multiplication scatters consecutive ids: taken as they are, the
/// open streams' ids filled one run of slots that each removal walked to its end. Generic:
/// a connection keeps its open `H2Stream`s in one and the header blocks of streams it cancelled
/// (until nghttp2 is done with them) in another; tests fill it with plain values.
///
/// The slots only grow, to the power of two past twice the most streams open at once: the size
/// follows the connection's concurrency, not the number of streams it has carried.
struct H2StreamTable<Stream> {
    private struct Slot {
        /// 0: empty (client streams are odd).
        var id: Int32 = 0
        var stream: Stream?
    }

    private var slots: [Slot]
    private(set) var count = 0
    /// 32 minus log2 of the slots: the product's top bits pick the slot.
    private var shift: UInt32 = 28

    init() {
        slots = Array(repeating: Slot(), count: 16)
    }

    var isEmpty: Bool { count == 0 }

    /// Slots, for tests of how the table grows.
    var capacity: Int { slots.count }

    /// The streams, in no particular order.
    var values: [Stream] { slots.compactMap { $0.stream } }

    private var mask: Int { slots.count - 1 }

    @inline(__always)
    private func home(_ id: Int32) -> Int { Int((UInt32(bitPattern: id) &* 0x9E37_79B9) >> shift) }

    /// The slot holding `id`, or nil.
    private func index(of id: Int32) -> Int? {
        guard id != 0 else { return nil }
        var i = home(id)
        while true {
            let s = slots[i].id
            if s == id { return i }
            if s == 0 { return nil }
            i = (i + 1) & mask
        }
    }

    subscript(id: Int32) -> Stream? {
        guard let i = index(of: id) else { return nil }
        return slots[i].stream
    }

    /// Adds `stream` under `id` (nonzero), replacing any stream already there.
    mutating func insert(_ stream: Stream, for id: Int32) {
        precondition(id != 0, "stream id 0 is the connection")
        if let i = index(of: id) {
            slots[i].stream = stream
            return
        }
        if (count + 1) * 2 > slots.count { grow() }
        var i = home(id)
        while slots[i].id != 0 { i = (i + 1) & mask }
        slots[i] = Slot(id: id, stream: stream)
        count += 1
    }

    /// Removes and returns the stream under `id`, if any.
    @discardableResult
    mutating func remove(_ id: Int32) -> Stream? {
        guard var hole = index(of: id) else { return nil }
        let removed = slots[hole].stream
        slots[hole] = Slot()
        count -= 1
        // Backward-shift deletion: move later members of the probe run into the hole when
        // their home does not lie between the hole and them, so no lookup stops short.
        var i = (hole + 1) & mask
        while slots[i].id != 0 {
            let h = home(slots[i].id)
            let stays = hole <= i ? (hole < h && h <= i) : (hole < h || h <= i)
            if !stays {
                slots[hole] = slots[i]
                slots[i] = Slot()
                hole = i
            }
            i = (i + 1) & mask
        }
        return removed
    }

    mutating func removeAll() {
        guard count > 0 else { return }
        for i in slots.indices where slots[i].id != 0 { slots[i] = Slot() }
        count = 0
    }

    private mutating func grow() {
        let old = slots
        slots = Array(repeating: Slot(), count: old.count * 2)
        shift -= 1
        for s in old where s.id != 0 {
            var i = home(s.id)
            while slots[i].id != 0 { i = (i + 1) & mask }
            slots[i] = s
        }
    }
}
