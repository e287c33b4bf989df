import Histogram
import Synchronization

/// The histogram every duration metric uses: microseconds, 3 significant digits, up to one hour.
///
/// One shape everywhere is what makes merging exact: worker histograms, saved results and results
/// from other machines all add bucket by bucket.
public typealias LatencyHistogram = Histogram<UInt64>

/// Empty histograms, one per shape (significant digits and range), that every new histogram is
/// copied from. A copy shares the zeroed counts until its first record copies them in one piece;
/// building them anew fills them one at a time through the package's unspecialised generic code
/// (~30,000 instructions for 2,048 counts). Every series needs fresh ones each interval, and
/// most grow once past their first range: with 1,000 request names that was several percent of
/// the generator's CPU (perf). Ranges end at a bucket's top (see `grow`), so there are a few
/// dozen shapes at most.
private let emptyHistograms = Mutex<[HistogramShape: LatencyHistogram]>([:])

private struct HistogramShape: Hashable {
    var digits: SignificantDigits
    var highest: UInt64
}

extension Histogram where Count == UInt64 {
    /// Highest trackable value: one hour in microseconds; larger values are clamped to it.
    static let highestMicroseconds: UInt64 = 3_600_000_000

    /// An empty latency histogram in the shared shape. It starts small (values under 2,048 µs) and
    /// grows its range only as far as the values recorded, so a series of fast requests costs
    /// 16 KB rather than the ~190 KB of the whole 1 µs … 1 h range; merges stay exact because
    /// every histogram has the same bucket layout.
    public static func latency() -> Histogram<UInt64> { empty(digits: .three) }

    /// An empty histogram of `digits` significant digits covering at least `value` (by default
    /// only the first bucket: values under 2,048 with three digits, under 256 with two), its
    /// range ending at a bucket's top.
    static func empty(digits: SignificantDigits, covering value: UInt64 = 0) -> Histogram<UInt64> {
        // The first bucket holds 2^⌈log2(2·10^digits)⌉ unit-wide counts; each further bucket
        // doubles the range.
        let firstTop = UInt64(1) << UInt64((Double.log2(2 * Double.pow(10, Int(digits.rawValue)))).rounded(.up))
        var top = firstTop
        while top <= value && top < highestMicroseconds { top <<= 1 }
        let shape = HistogramShape(digits: digits, highest: Swift.min(top - 1, highestMicroseconds))
        return emptyHistograms.withLock { cache in
            if let h = cache[shape] { return h }
            var h = Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: shape.highest,
                                      numberOfSignificantValueDigits: digits)
            h.autoResize = true
            cache[shape] = h
            return h
        }
    }

    /// Records a duration given in nanoseconds, rounded to the nearest microsecond.
    @inline(__always)
    mutating func recordNanoseconds(_ ns: UInt64) {
        recordMicroseconds((ns &+ 500) / 1_000)
    }

    /// Records a duration given in microseconds.
    @inline(__always)
    mutating func recordMicroseconds(_ us: UInt64) {
        let v = Swift.min(us, Self.highestMicroseconds)
        if v > highestTrackableValue { grow(toCover: v) }
        _ = record(v)
    }

    /// Adds `other` bucket by bucket (exact), growing this histogram first if `other` reaches
    /// higher. Use this, not `add`, on the metrics' histograms.
    mutating func merge(_ other: Histogram<UInt64>) {
        if other.totalCount == 0 { return }
        if other.max > highestTrackableValue { grow(toCover: other.max) }
        add(other)
    }

    /// Grows the range to cover `value` (at least doubling it). The package's own auto-resize
    /// appends zeros through unspecialised generic code, about 1,300 instructions per bucket
    /// (4–5 million for one step of a 3-digit histogram, measured with callgrind); a copy of an
    /// empty histogram of the right size plus an exact `add` costs a small fraction of that.
    @inline(never)
    mutating func grow(toCover value: UInt64) {
        let target = Swift.min(Swift.max(value, highestTrackableValue &* 2), Self.highestMicroseconds)
        var bigger = Self.empty(digits: numberOfSignificantValueDigits, covering: target)
        bigger.autoResize = autoResize
        if totalCount > 0 { bigger.add(self) }
        self = bigger
    }
}
