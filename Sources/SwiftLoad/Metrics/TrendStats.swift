/// The summary statistics of one duration histogram, in milliseconds.
public struct TrendStats: Codable, Sendable, Equatable {
    public var count: Int
    public var min: Double
    public var avg: Double
    public var med: Double
    public var p90: Double
    public var p95: Double
    public var p99: Double
    public var p999: Double
    public var max: Double
    public var stddev: Double

    init(_ h: LatencyHistogram) {
        func ms(_ us: UInt64) -> Double { Double(us) / 1000 }
        count = Int(h.totalCount)
        guard h.totalCount > 0 else {
            min = 0; avg = 0; med = 0; p90 = 0; p95 = 0; p99 = 0; p999 = 0; max = 0; stddev = 0
            return
        }
        let summary = HistogramSummary(h, percentiles: [50, 90, 95, 99, 99.9])
        min = ms(h.min)
        avg = summary.mean / 1000
        med = ms(summary.values[0])
        p90 = ms(summary.values[1])
        p95 = ms(summary.values[2])
        p99 = ms(summary.values[3])
        p999 = ms(summary.values[4])
        max = ms(h.maxRecorded)
        stddev = summary.stddev / 1000
    }
}
