import Testing
@testable import SwiftLoad

@Suite struct HistogramCodecTests {
    @Test func encodingRoundTripsAndMergesExactly() throws {
        var a = LatencyHistogram.latency(), b = LatencyHistogram.latency()
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<50_000 { a.recordNanoseconds(UInt64.random(in: 1_000...80_000_000, using: &rng)) }
        for _ in 0..<20_000 { b.recordNanoseconds(UInt64.random(in: 100_000...2_000_000_000, using: &rng)) }
        let ea = EncodedHistogram(a), eb = EncodedHistogram(b)
        #expect(ea.incompatibility == nil)
        let da = ea.decode()
        #expect(da.totalCount == a.totalCount)
        for p in [0.0, 50, 90, 99, 99.9, 99.99, 100] {
            #expect(da.valueAtPercentile(p) == a.valueAtPercentile(p), "p\(p)")
        }
        var merged = a
        merged.add(b)
        var mergedDecoded = da
        mergedDecoded.add(eb.decode())
        #expect(mergedDecoded.totalCount == merged.totalCount)
        for p in [0.0, 1, 50, 75, 99, 99.99, 100] {
            #expect(mergedDecoded.valueAtPercentile(p) == merged.valueAtPercentile(p), "p\(p)")
        }
        #expect(mergedDecoded.maxRecorded == merged.maxRecorded)
        #expect(mergedDecoded.min == merged.min)
    }

    /// New histograms are copies of a cached empty one per shape: ranges end at a bucket's top,
    /// a copy that records leaves the cached one (and other copies) empty, and growing keeps
    /// every value.
    @Test func freshHistogramsAreIndependentCopiesOfOneShape() {
        #expect(LatencyHistogram.latency().highestTrackableValue == 2_047)
        #expect(PhaseHistogram.shape().highestTrackableValue == 255)
        #expect(LatencyHistogram.empty(digits: .three, covering: 2_048).highestTrackableValue == 4_095)
        #expect(LatencyHistogram.empty(digits: .three, covering: 5_000).highestTrackableValue == 8_191)
        #expect(LatencyHistogram.empty(digits: .three, covering: 1 << 40).highestTrackableValue == LatencyHistogram.highestMicroseconds)
        var a = LatencyHistogram.latency(), b = LatencyHistogram.latency()
        a.recordMicroseconds(100)
        #expect(a.totalCount == 1 && b.totalCount == 0 && LatencyHistogram.latency().totalCount == 0)
        for v: UInt64 in [1, 900, 2_047, 2_048, 70_000, 3_000_000] { b.recordMicroseconds(v) }
        #expect(b.totalCount == 6 && b.min == 1 && b.max >= 3_000_000 && b.highestTrackableValue >= 3_000_000)
        #expect(b.valueAtPercentile(50) == 2_047 && b.count(within: 0...1) == 1)
        #expect(LatencyHistogram.latency().totalCount == 0 && LatencyHistogram.empty(digits: .three, covering: 3_000_000).totalCount == 0)
    }

    @Test func incompatibleShapesAreNamed() {
        var e = EncodedHistogram(LatencyHistogram.latency())
        e.significantDigits = 4
        #expect(e.incompatibility == "4 significant digits (expected 2 or 3)")
        e = EncodedHistogram(LatencyHistogram.latency())
        e.buckets = [[5, 3]]
        #expect(e.incompatibility == "bucket counts do not add up to count")
    }

    @Test func trendStatsAreInMilliseconds() {
        var h = LatencyHistogram.latency()
        for ms in 1...100 { h.recordNanoseconds(UInt64(ms) * 1_000_000) }
        let s = TrendStats(h)
        #expect(s.count == 100)
        #expect(s.min == 1)
        #expect(s.max == 100)
        #expect(abs(s.med - 50) < 0.1)
        #expect(abs(s.p99 - 99) < 0.1)
        #expect(abs(s.avg - 50.5) < 0.1)
    }
}

@Suite struct HistogramSummaryTests {
    @Test func onePassGivesTheSameAnswersAsTheLibrary() {
        var rng = SystemRandomNumberGenerator()
        for size in [1, 2, 7, 100, 10_000] {
            var h = LatencyHistogram.latency()
            for _ in 0..<size { h.recordNanoseconds(UInt64.random(in: 1_000...3_000_000_000, using: &rng)) }
            let ps = [0.0, 0.1, 1, 25, 50, 90, 95, 99, 99.9, 99.99, 100]
            let s = HistogramSummary(h, percentiles: ps)
            #expect(s.values == ps.map { h.valueAtPercentile($0) }, "size \(size)")
            #expect(abs(s.mean - h.mean) <= h.mean * 1e-9)
            #expect(abs(s.stddev - h.stdDeviation) <= Swift.max(1e-6, h.stdDeviation * 1e-6))
        }
        #expect(HistogramSummary(LatencyHistogram.latency(), percentiles: [50]).values == [0])
    }
}
