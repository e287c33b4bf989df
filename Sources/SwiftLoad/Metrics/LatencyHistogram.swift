import Histogram

/// The histogram every duration metric uses: microseconds, 3 significant digits, up to one hour.
///
/// One shape everywhere is what makes merging exact: worker histograms, saved results and results
/// from other machines all add bucket by bucket.
public typealias LatencyHistogram = Histogram<UInt64>

extension Histogram where Count == UInt64 {
    /// Highest trackable value: one hour in microseconds; larger values are clamped to it.
    static let highestMicroseconds: UInt64 = 3_600_000_000

    /// An empty latency histogram in the shared shape. It starts small (values under 2 ms) and
    /// grows its range only as far as the values recorded, so a series of fast requests costs
    /// 16 KB rather than the ~190 KB of the whole 1 µs … 1 h range; merges stay exact because
    /// every histogram has the same bucket layout.
    public static func latency() -> Histogram<UInt64> {
        var h = Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: 2,
                                  numberOfSignificantValueDigits: .three)
        h.autoResize = true
        return h
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
    /// (4–5 million for one step of a 3-digit histogram, measured with callgrind); a new
    /// histogram of the right size plus an exact `add` costs a small fraction of that.
    @inline(never)
    mutating func grow(toCover value: UInt64) {
        let high = Swift.min(Swift.max(value, highestTrackableValue &* 2), Self.highestMicroseconds)
        var bigger = Histogram<UInt64>(lowestDiscernibleValue: lowestDiscernibleValue, highestTrackableValue: high,
                                       numberOfSignificantValueDigits: numberOfSignificantValueDigits)
        bigger.autoResize = autoResize
        if totalCount > 0 { bigger.add(self) }
        self = bigger
    }
}
