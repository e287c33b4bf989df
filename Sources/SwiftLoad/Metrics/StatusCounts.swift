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

    /// The count for `code`, `0` when it never occurred; `+= n` adds in place.
    subscript(code: Int, default value: Int) -> Int {
        get { self[code] ?? value }
        set {
            for k in entries.indices where entries[k].key == code {
                entries[k].value = newValue
                return
            }
            entries.append((key: code, value: newValue))
        }
    }

    /// Adds `n` to `code`'s count: the hot path's call.
    @inline(__always)
    mutating func add(_ code: Int, _ n: Int = 1) {
        if !entries.isEmpty && entries[0].key == code { entries[0].value &+= n; return }
        self[code, default: 0] += n
    }

    var isEmpty: Bool { entries.isEmpty }
    var values: [Int] { entries.map(\.value) }

    func makeIterator() -> IndexingIterator<[(key: Int, value: Int)]> { entries.makeIterator() }
}
