import Histogram

/// Several percentiles, the mean and the standard deviation of a latency histogram in one pass
/// over its recorded buckets.
///
/// `Histogram.valueAtPercentile` walks the whole counts array, in unspecialised generic code, once
/// per percentile; reports ask for six percentiles of eight metrics per request name, and the
/// coordinator asks every second. The answers here are the same: the same rounding of the target
/// count and the same clamping to the exact minimum and maximum.
struct HistogramSummary {
    let count: UInt64
    let values: [UInt64]   // one per requested percentile, in request order
    let mean: Double        // in the histogram's unit
    let stddev: Double

    init(_ h: LatencyHistogram, percentiles: [Double]) {
        count = h.totalCount
        guard count > 0 else {
            values = Array(repeating: 0, count: percentiles.count)
            mean = 0
            stddev = 0
            return
        }
        let lo = h.min, hi = h.maxRecorded
        var result = Array(repeating: UInt64(0), count: percentiles.count)
        // (target count, slot) for the percentiles strictly between 0 and 100, ascending.
        var targets: [(UInt64, Int)] = []
        for (slot, p) in percentiles.enumerated() {
            if p <= 0 { result[slot] = lo; continue }
            if p >= 100 { result[slot] = hi; continue }
            let requested = Swift.min(Swift.max(p.nextDown, 0), 100)
            targets.append((Swift.max(1, UInt64((requested * Double(count) / 100).rounded(.up))), slot))
        }
        targets.sort { $0.0 < $1.0 }
        var next = 0
        var cumulative: UInt64 = 0
        var sum = 0.0, sumOfSquares = 0.0
        for bucket in h.recordedValues() {
            let c = UInt64(bucket.count)
            cumulative += c
            while next < targets.count && targets[next].0 <= cumulative {
                result[targets[next].1] = Swift.max(Swift.min(bucket.value, hi), lo)
                next += 1
            }
            let v = Double(h.medianEquivalentForValue(bucket.value))
            sum += v * Double(c)
            sumOfSquares += v * v * Double(c)
        }
        values = result
        let m = sum / Double(count)
        mean = m
        stddev = Swift.max(0, sumOfSquares / Double(count) - m * m).squareRoot()
    }
}
