/// Counts by status code (HTTP or gRPC) for one series. A run sees a handful of codes, so a short
/// list searched from the front beats a dictionary: counting the common code costs one
/// comparison, where hashing an `Int` cost about 300 instructions per request (callgrind).
struct StatusCounts: Sequence {
    private var entries: [(key: Int, value: Int)] = []

    init() {}

    /// The count for `code`; nil when it never occurred.
    subscript(code: Int) -> Int? {
        for e in entries where e.key == code { return e.value }
        return nil
    }

    /// Adds `n` to `code`'s count (the common code is usually first: one comparison).
    @inline(__always)
    mutating func add(_ code: Int, _ n: Int = 1) {
        for k in entries.indices where entries[k].key == code {
            entries[k].value &+= n
            return
        }
        entries.append((key: code, value: n))
    }

    var isEmpty: Bool { entries.isEmpty }
    var values: [Int] { entries.map(\.value) }

    func makeIterator() -> IndexingIterator<[(key: Int, value: Int)]> { entries.makeIterator() }
}
