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
        min = ms(h.min)
        avg = h.mean / 1000
        med = ms(h.valueAtPercentile(50))
        p90 = ms(h.valueAtPercentile(90))
        p95 = ms(h.valueAtPercentile(95))
        p99 = ms(h.valueAtPercentile(99))
        p999 = ms(h.valueAtPercentile(99.9))
        max = ms(h.maxRecorded)
        stddev = h.stdDeviation / 1000
    }
}
