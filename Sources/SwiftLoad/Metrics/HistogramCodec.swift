import Histogram

/// A latency histogram in the result file: the non-empty buckets as `[value, count]` pairs.
///
/// `value` is the highest value equivalent to the bucket, so recording `count` of it into a
/// histogram of the same shape (microseconds, 3 significant digits, 1 µs … 1 h) puts the counts
/// back into the same bucket: merging results from several runs or machines is exact.
public struct EncodedHistogram: Codable, Sendable, Equatable {
    public var unit: String
    public var significantDigits: Int
    public var lowest: UInt64
    public var highest: UInt64
    public var count: UInt64
    public var min: UInt64
    public var max: UInt64
    public var buckets: [[UInt64]]

    init(_ h: LatencyHistogram) {
        unit = "us"
        significantDigits = Int(h.numberOfSignificantValueDigits.rawValue)
        lowest = h.lowestDiscernibleValue
        // In memory a histogram grows its range as values arrive; the file states the range of
        // the shared shape, which every decoder rebuilds.
        highest = LatencyHistogram.highestMicroseconds
        count = h.totalCount
        min = h.totalCount > 0 ? h.min : 0
        max = h.totalCount > 0 ? h.maxRecorded : 0
        buckets = h.recordedValues().map { [$0.value, UInt64($0.count)] }
    }

    /// Why this histogram cannot be decoded into the shared shape, or nil when it can.
    public var incompatibility: String? {
        if unit != "us" { return "unit \(unit) (expected us)" }
        // Request phases are kept at 2 digits; their bucket values land in the same or finer
        // buckets of the 3-digit shape they are decoded into.
        if significantDigits != 3 && significantDigits != 2 { return "\(significantDigits) significant digits (expected 2 or 3)" }
        if lowest != 1 { return "lowest value \(lowest) (expected 1)" }
        if buckets.contains(where: { $0.count != 2 }) { return "a bucket is not a [value, count] pair" }
        if buckets.reduce(UInt64(0), { $0 &+ $1[1] }) != count { return "bucket counts do not add up to count" }
        return nil
    }

    /// The histogram back in memory (values above one hour are clamped to it).
    ///
    /// Percentiles at the extremes are clamped to the exact minimum and maximum, so the bucket
    /// that holds each is recorded at that exact value (same bucket, same counts): decoding gives
    /// back the same percentiles, merged or not.
    public func decode() -> LatencyHistogram {
        var h = LatencyHistogram.latency()
        let top = LatencyHistogram.highestMicroseconds
        let lo = Swift.min(min, top), hi = Swift.min(max, top)
        let highest = buckets.reduce(hi) { Swift.max($0, Swift.min($1.first ?? 0, top)) }
        if highest > h.highestTrackableValue { h.grow(toCover: highest) }   // once, not bucket by bucket
        for b in buckets where b.count == 2 && b[1] > 0 {
            let value = Swift.min(b[0], top)
            let holdsMin = h.valuesAreEquivalent(value, lo), holdsMax = h.valuesAreEquivalent(value, hi)
            var remaining = b[1]
            if holdsMin { h.record(lo, count: 1); remaining -= 1 }
            if holdsMax && remaining > 0 { h.record(hi, count: 1); remaining -= 1 }
            if remaining > 0 { h.record(holdsMax ? hi : (holdsMin ? lo : value), count: remaining) }
        }
        return h
    }
}
