import Synchronization

/// This process's share of a test that several processes (machines, pods, Ray nodes) run
/// together: k6's execution segment.
///
/// Every countable thing of the test — VUs, shared iterations, open-model arrivals, `.unique`
/// feeder rows — is numbered 0, 1, 2, … as one process would number it, and item `j` belongs to
/// lane `j mod lanes`. A segment owns the lanes `from..<to`. So any set of segments that covers
/// every lane exactly once adds up to the single-process run: the same VU count at every
/// instant of a ramp, the same number of iterations, and the same arrivals at the same instants
/// (arrival `j` is due when it would be in one process, whichever segment sends it).
///
/// Written `i/n` (the i-th of n equal parts, 1-based: `2/4`) or as k6 writes a range of the unit
/// interval, `a:b` with fractions (`1/4:2/4`, `0:1/3`, `2/3:1`); the lanes are the range's
/// common denominator. The segments of one test must deal into the same lanes (write them over
/// one denominator: `0:2/4` with `2/4:3/4`, not `0:1/2`), which `merge` checks.
public struct ExecutionSegment: Sendable, Hashable, CustomStringConvertible {
    /// How many lanes the items are dealt into.
    public let lanes: Int
    /// The first lane this segment owns.
    public let from: Int
    /// One past the last lane this segment owns.
    public let to: Int

    /// The whole test in one process.
    public static let whole = ExecutionSegment(checkedLanes: 1, from: 0, to: 1)

    private init(checkedLanes: Int, from: Int, to: Int) {
        self.lanes = checkedLanes
        self.from = from
        self.to = to
    }

    /// Lanes `from..<to` of `lanes`, or nil when that is not a non-empty part of the test.
    public init?(lanes: Int, from: Int, to: Int) {
        guard lanes >= 1, lanes <= Self.maxLanes, from >= 0, from < to, to <= lanes else { return nil }
        // Not reduced to lowest terms: `0:2/4` owns lanes 0 and 1 of 4 (items 0, 1, 4, 5, …),
        // which is not the same items as `0:1/2`, lane 0 of 2 (items 0, 2, 4, …).
        self.init(checkedLanes: lanes, from: from, to: to)
    }

    /// The most lanes a segment can name (segments of 1/1000 of a test and finer are refused).
    public static let maxLanes = 100_000

    public var isWhole: Bool { from == 0 && to == lanes }
    /// Lanes owned.
    public var width: Int { to - from }
    /// The part of the test, `0 < fraction <= 1`.
    public var fraction: Double { Double(width) / Double(lanes) }

    /// How written: `i/n` when it is one of n equal parts, else `a:b`.
    public var description: String {
        if isWhole { return "1/1" }
        if width == 1 { return "\(from + 1)/\(lanes)" }
        return "\(Self.fractionText(from, lanes)):\(Self.fractionText(to, lanes))"
    }

    /// Parses `i/n` or `a:b`; the error is one line, worded for `--segment`.
    public static func parse(_ text: String) -> Result<ExecutionSegment, ConfigurationError> {
        let t = text.trimmingSpaces()
        func bad(_ why: String) -> Result<ExecutionSegment, ConfigurationError> {
            .failure(ConfigurationError(["--segment \(text): \(why)"]))
        }
        if let colon = t.firstIndex(of: ":") {
            guard let a = fraction(String(t[..<colon])), let b = fraction(String(t[t.index(after: colon)...])) else {
                return bad("expected a range a:b of fractions between 0 and 1, e.g. 0:1/4 or 1/4:2/4")
            }
            // a = an/ad, b = bn/bd over a common denominator.
            let d = lcm(a.den, b.den)
            guard d > 0, d <= maxLanes else { return bad("the fractions' denominators are too large (at most \(maxLanes))") }
            let lo = a.num * (d / a.den), hi = b.num * (d / b.den)
            guard lo < hi else { return bad("the range is empty: its start must be below its end") }
            guard hi <= d else { return bad("fractions must be between 0 and 1") }
            return ExecutionSegment(lanes: d, from: lo, to: hi).map { .success($0) } ?? bad("not a part of the test")
        }
        let parts = t.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]) else {
            return bad("expected i/n (the i-th of n equal parts, e.g. 2/4) or a range a:b such as 1/4:2/4")
        }
        guard n >= 1, n <= maxLanes else { return bad("n must be between 1 and \(maxLanes)") }
        guard i >= 1, i <= n else { return bad("i must be between 1 and \(n) (segments count from 1)") }
        return ExecutionSegment(lanes: n, from: i - 1, to: i).map { .success($0) } ?? bad("not a part of the test")
    }

    // MARK: shares

    /// How many of the items `0..<total` this segment owns.
    public func count(_ total: Int) -> Int {
        guard total > 0 else { return 0 }
        if isWhole { return total }
        let full = total / lanes, rest = total % lanes
        return full * width + min(max(rest - from, 0), width)
    }

    /// The test-wide number of this segment's `k`-th item (both from 0).
    public func global(_ k: Int) -> Int {
        if isWhole { return k }
        return (k / width) * lanes + from + k % width
    }

    /// True when test-wide item `j` is this segment's.
    public func owns(_ j: Int) -> Bool {
        let lane = j % lanes
        return lane >= from && lane < to
    }

    /// Why a set of segments is not the whole test exactly once.
    public enum CoverageProblem: Sendable, Equatable, CustomStringConvertible {
        /// Segments dealt into different lanes: their items cannot be matched up at all.
        case differentLanes(ExecutionSegment, ExecutionSegment)
        /// Two segments own the same items.
        case overlap(ExecutionSegment)
        /// Nothing covers the range `from:to` (as text over the lanes).
        case missing(String)
        case empty

        /// Whether a merge may still go on, marked partial (only a part missing).
        public var allowsPartial: Bool {
            if case .missing = self { return true }
            return false
        }

        public var description: String {
            switch self {
            case .differentLanes(let a, let b):
                return "segments \(a) and \(b) deal the test into different lanes (\(a.lanes) and \(b.lanes)): write every segment over one denominator"
            case .overlap(let s): return "segment \(s) overlaps another segment"
            case .missing(let range): return "segments are missing: nothing covers \(range)"
            case .empty: return "no segments"
            }
        }
    }

    /// Whether `segments` cover the test exactly once; otherwise why not.
    public static func coverageProblem(_ segments: [ExecutionSegment]) -> CoverageProblem? {
        guard let d = segments.first?.lanes else { return .empty }
        if let other = segments.first(where: { $0.lanes != d }) { return .differentLanes(segments[0], other) }
        let ranges = segments.map { s in (lo: s.from, hi: s.to, s: s) }
            .sorted { ($0.lo, $0.hi) < ($1.lo, $1.hi) }
        var at = 0
        for r in ranges {
            if r.lo < at { return .overlap(r.s) }
            if r.lo > at { return .missing("\(fractionText(at, d)):\(fractionText(r.lo, d))") }
            at = r.hi
        }
        if at < d { return .missing("\(fractionText(at, d)):1") }
        return nil
    }

    // MARK: arithmetic

    private static func fraction(_ text: String) -> (num: Int, den: Int)? {
        let t = text.trimmingSpaces()
        if t == "0" { return (0, 1) }
        if t == "1" { return (1, 1) }
        let parts = t.split(separator: "/", omittingEmptySubsequences: false)
        if parts.count == 2, let n = Int(parts[0]), let d = Int(parts[1]), d >= 1, d <= maxLanes, n >= 0, n <= d {
            return (n, d)
        }
        // Decimal fractions (0.25) as k6 also accepts them, up to four places.
        if let v = Double(t), v >= 0, v <= 1, t.first != "+", !t.contains("e"), !t.contains("E") {
            let scaled = (v * 10_000).rounded()
            if abs(v * 10_000 - scaled) < 1e-6 {
                let g = gcd(Int(scaled), 10_000)
                return (Int(scaled) / g, 10_000 / g)
            }
        }
        return nil
    }

    private static func fractionText(_ n: Int, _ d: Int) -> String {
        if n == 0 { return "0" }
        if n == d { return "1" }
        // Over the lanes, not reduced: `0:2/4` must read back as the same lanes.
        return "\(n)/\(d)"
    }

    static func gcd(_ a: Int, _ b: Int) -> Int {
        var (x, y) = (abs(a), abs(b))
        while y != 0 { (x, y) = (y, x % y) }
        return x
    }

    static func lcm(_ a: Int, _ b: Int) -> Int {
        guard a > 0, b > 0 else { return 0 }
        let (p, overflow) = (a / gcd(a, b)).multipliedReportingOverflow(by: b)
        return overflow ? Int.max : p
    }
}

extension ExecutionSegment {
    /// The segment this process runs, set when a run starts: feeders are process-wide values
    /// (a scenario's `static let`), so this is where they learn which rows are theirs.
    static var running: ExecutionSegment {
        get { runningSegment.withLock { $0 } }
        set { runningSegment.withLock { $0 = newValue } }
    }
}

private let runningSegment = Mutex(ExecutionSegment.whole)

/// In a result file a segment is its text (`2/4`, `0:2/4`), which reads back as the same lanes.
extension ExecutionSegment: Codable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        switch Self.parse(text) {
        case .success(let s): self = s
        case .failure(let e):
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: e.description))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}
