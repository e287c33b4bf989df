/// A recorded latency distribution (a histogram's buckets in rank order) and draws from the
/// sampling distribution of its percentiles.
///
/// The k-th smallest of n samples sits at a random quantile U of the true distribution, with
/// U ~ Beta(k, n − k + 1), whatever that distribution is. Drawing U and reading the recorded
/// distribution at U is therefore the bootstrap of a percentile without resampling n values:
/// exact for small n and deep tails, where normal approximations break, and cheap for millions.
struct RecordedDistribution {
    /// Bucket values (microseconds) in increasing order, and the count up to and including each.
    private var values: [UInt64] = []
    private var cumulative: [UInt64] = []
    let count: UInt64
    let mean: Double
    let standardDeviation: Double

    init(_ h: LatencyHistogram) {
        count = h.totalCount
        mean = h.mean
        standardDeviation = h.stdDeviation
        var total: UInt64 = 0
        for v in h.recordedValues() {
            total += v.count
            values.append(v.value)
            cumulative.append(total)
        }
    }

    /// The value of rank `rank` (1-based), as the histogram reports percentiles.
    func value(atRank rank: UInt64) -> Double {
        let r = Swift.min(Swift.max(rank, 1), count)
        var lo = 0, hi = cumulative.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if cumulative[mid] >= r { hi = mid } else { lo = mid + 1 }
        }
        return Double(values[lo])
    }

    /// The p-th percentile (0 < p < 100) in microseconds.
    func percentile(_ p: Double) -> Double {
        value(atRank: rank(p))
    }

    private func rank(_ p: Double) -> UInt64 {
        Swift.max(1, UInt64((p / 100 * Double(count)).rounded(.up)))
    }

    /// One bootstrap draw of the p-th percentile.
    func drawPercentile(_ p: Double, using rng: inout SplitMix64) -> Double {
        let k = Double(rank(p)), n = Double(count)
        let u = rng.beta(k, n - k + 1)
        return value(atRank: UInt64((u * n).rounded(.up)))
    }

    /// One draw of the mean (normal: the central limit theorem holds for the sample sizes a run has).
    func drawMean(using rng: inout SplitMix64) -> Double {
        mean + rng.normal() * standardDeviation / Double(count).squareRoot()
    }
}

import Foundation
