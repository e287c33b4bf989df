import Foundation

/// Latency by percentile, the way HdrHistogram plots it: the x axis counts "nines"
/// (0 → 0 %, 1 → 90 %, 2 → 99 %, 3 → 99.9 %), so the tail gets as much room as the body.
public struct LatencySpectrum: Sendable, Equatable {
    public struct Point: Sendable, Equatable {
        /// 0…100.
        public var percentile: Double
        /// log10(1 / (1 − p)): 0 at the minimum, 2 at p99, 3 at p99.9.
        public var nines: Double
        public var milliseconds: Double
    }

    public var points: [Point]
    public var count: Int
    public var maxMilliseconds: Double

    /// The spectrum of `h`, sampled at `steps` points up to the last percentile its sample size
    /// can tell apart from the maximum (at most six nines), plus the maximum itself.
    init(_ h: LatencyHistogram, steps: Int = 120) {
        count = Int(h.totalCount)
        maxMilliseconds = count > 0 ? Double(h.maxRecorded) / 1000 : 0
        guard count > 0 else {
            points = []
            return
        }
        let reach = Swift.min(6, Swift.max(1, log10(Double(count))))
        let nines = (0...steps).map { reach * Double($0) / Double(steps) }
        let percentiles = nines.map { 100 * (1 - pow(10, -$0)) }
        let values = HistogramSummary(h, percentiles: percentiles).values
        points = zip(zip(percentiles, nines), values).map { Point(percentile: $0.0, nines: $0.1, milliseconds: Double($1) / 1000) }
        points.append(Point(percentile: 100, nines: reach, milliseconds: maxMilliseconds))
    }
}

/// A problem with the histograms of a result file.
public struct HistogramMergeError: Error, Sendable, CustomStringConvertible {
    public var description: String
}

extension RunResult {
    /// The merged histogram of `metric` (default `http_req_duration`) over the series whose
    /// display name (`group::name`) is `name`, or over all series when nil; nil when none has it.
    public func histogram(_ metric: String = "http_req_duration", name: String? = nil) throws(HistogramMergeError) -> LatencyHistogram? {
        var merged: LatencyHistogram?
        for s in histograms.series {
            let display = s.group.isEmpty ? s.name : "\(s.group)::\(s.name)"
            guard name == nil || display == name, let encoded = s.metrics[metric] else { continue }
            if let why = encoded.incompatibility {
                throw HistogramMergeError(description: "the \(metric) histogram of \(display) cannot be merged: \(why)")
            }
            if merged == nil { merged = LatencyHistogram.latency() }
            merged!.merge(encoded.decode())
        }
        return merged
    }

    /// The latency spectrum of all requests, or of one request name.
    public func spectrum(name: String? = nil) throws(HistogramMergeError) -> LatencySpectrum? {
        try histogram(name: name).map { LatencySpectrum($0) }
    }
}
