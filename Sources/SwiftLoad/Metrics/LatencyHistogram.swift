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
        _ = record(Swift.min((ns &+ 500) / 1_000, Self.highestMicroseconds))
    }

    /// Records a duration given in microseconds.
    @inline(__always)
    mutating func recordMicroseconds(_ us: UInt64) {
        _ = record(Swift.min(us, Self.highestMicroseconds))
    }
}
