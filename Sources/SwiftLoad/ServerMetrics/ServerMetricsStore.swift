/// The coordinator's side of scraping: turns each endpoint's scrapes into per-second series,
/// keeps each series' run statistics for reports and thresholds, and hands each one-second
/// point the values scraped during it.
///
/// Bounded: at most `maxSeries` series (later ones are counted, not kept, with a warning), and
/// each keeps at most `maxValues` per-second values (older ones averaged in pairs), so an
/// hour-long run against a chatty exporter stays small.
final class ServerMetricsStore: ServerMetricValues {
    let maxSeries: Int
    private let testStart: UInt64
    private let include: (String) -> Bool
    private var previous: [String: (index: [String: Double], at: UInt64)] = [:]
    private var series: [String: Series] = [:]
    private var order: [String] = []
    private var dropped = Set<String>()
    private var byInterval: [Int: [String: Double]] = [:]
    /// The latest interval whose point has closed.
    private var closedThrough = -1
    private var targets: [String: ScrapeTargetStats] = [:]
    private let targetOrder: [String]

    static let maxValues = 4096

    private struct Series {
        var kind: ServerSeriesKind
        var target: String
        var help: String?
        var count = 0
        var sum = 0.0
        var min = Double.infinity
        var max = -Double.infinity
        var last: Double?
        var increase: Double?
        /// Per-second values for percentiles (coarsened when long).
        var values: [Double] = []

        mutating func record(_ v: Double) {
            count += 1
            sum += v
            min = Swift.min(min, v)
            max = Swift.max(max, v)
            last = v
            values.append(v)
            if values.count > ServerMetricsStore.maxValues {
                values = stride(from: 0, to: values.count - 1, by: 2).map { (values[$0] + values[$0 + 1]) / 2 }
            }
        }
    }

    init(targets: [String], include: [String], maxSeries: Int, testStart: UInt64) {
        self.maxSeries = maxSeries
        self.testStart = testStart
        targetOrder = targets
        for t in targets { self.targets[t] = ScrapeTargetStats(url: t, scrapes: 0, failures: 0) }
        self.include = include.isEmpty ? { _ in true } : { name in include.contains { name.hasPrefix($0) } }
    }

    func add(_ o: ScrapeOutcome) {
        targets[o.target, default: ScrapeTargetStats(url: o.target, scrapes: 0, failures: 0)].scrapes += 1
        guard let families = o.families else {
            targets[o.target]!.failures += 1
            targets[o.target]!.lastError = o.error
            return
        }
        let before = previous[o.target]
        let seconds = before.map { Double(o.takenAt &- $0.at) / 1e9 } ?? 0
        let derived = ServerSeriesDerivation.derive(families, previous: before?.index, seconds: seconds, include: include)
        previous[o.target] = (ServerSeriesDerivation.index(families), o.takenAt)
        let interval: Int? = o.outsideLoad || o.takenAt < testStart ? nil : Int((o.takenAt - testStart) / 1_000_000_000)
        for d in derived {
            // Two endpoints may expose the same series; the second is told apart by its endpoint.
            var name = d.name
            if let s = series[name], s.target != o.target { name += " @\(o.target)" }
            if series[name] == nil {
                guard series.count < maxSeries else { dropped.insert(name); continue }
                series[name] = Series(kind: d.kind, target: o.target, help: d.help)
                order.append(name)
            }
            if let inc = d.increase { series[name]!.increase = (series[name]!.increase ?? 0) + inc }
            // The final scrape closes the counters' totals; its short interval's rate is noise.
            guard let v = d.value, v.isFinite, let interval else { continue }
            series[name]!.record(v)
            // A scrape that came back after its second's point closed (a slow endpoint) still
            // counts in the run's statistics, but no point takes it: it is not kept for one.
            if interval > closedThrough { byInterval[interval, default: [:]][name] = v }
        }
    }

    /// The values scraped during interval `i` (seconds from the start), removed from the store.
    func take(interval i: Int) -> [String: Double]? {
        closedThrough = max(closedThrough, i)
        return byInterval.removeValue(forKey: i)
    }

    /// One line per thing a reader should know: series left out past the cap (and how to
    /// choose), endpoints whose scrapes failed.
    var warnings: [String] {
        var out: [String] = []
        if !dropped.isEmpty {
            out.append("server metrics: kept the first \(maxSeries) series and left out \(dropped.count) more (e.g. \(dropped.sorted().first!)); "
                       + "choose families with --scrape-include PREFIX")
        }
        for t in targetOrder {
            guard let s = targets[t], s.failures > 0 else { continue }
            out.append("server metrics: \(s.failures) of \(s.scrapes) scrapes of \(t) failed (last: \(s.lastError ?? "?"))")
        }
        return out
    }

    var result: ServerMetricsResult {
        ServerMetricsResult(
            targets: targetOrder.compactMap { targets[$0] },
            series: order.map { name in
                let s = series[name]!
                return ServerSeriesStats(name: name, kind: s.kind, target: s.target, help: s.help, samples: s.count,
                                         min: s.count > 0 ? s.min : nil, avg: s.count > 0 ? s.sum / Double(s.count) : nil,
                                         max: s.count > 0 ? s.max : nil, last: s.last, increase: s.increase)
            },
            droppedSeries: dropped.isEmpty ? nil : dropped.count)
    }

    // MARK: ServerMetricValues

    func serverValues(_ name: String) -> [Double]? { series[name].map(\.values) }
    func serverIncrease(_ name: String) -> Double? { series[name]?.increase }
}

/// Where thresholds on server series read their values: the live store during a run, a result
/// file's time series after it (`merge`).
protocol ServerMetricValues {
    /// The series' per-second values in the run, nil when there is no such series.
    func serverValues(_ name: String) -> [Double]?
    /// How much a counter grew over the whole run.
    func serverIncrease(_ name: String) -> Double?
}

/// What `--scrape` collected, in the JSON result.
public struct ServerMetricsResult: Codable, Sendable {
    public var targets: [ScrapeTargetStats]
    /// One entry per series, in the order first seen.
    public var series: [ServerSeriesStats]
    /// Series past the cap that were left out.
    public var droppedSeries: Int?
}

public struct ScrapeTargetStats: Codable, Sendable {
    public var url: String
    /// Scrapes attempted (the baseline before the load and the final one after it included).
    public var scrapes: Int
    public var failures: Int
    public var lastError: String?
}

public struct ServerSeriesStats: Codable, Sendable {
    /// `rate(x_total{…})`, `x{…}` or `histogram_quantile(0.99, x{…})`; a threshold addresses it
    /// as `server:<name>`.
    public var name: String
    public var kind: ServerSeriesKind
    /// The endpoint it came from.
    public var target: String
    public var help: String?
    /// Seconds of the run with a value.
    public var samples: Int
    public var min: Double?
    public var avg: Double?
    public var max: Double?
    public var last: Double?
    /// Counters: how much the counter grew from just before the load to just after it (the
    /// server's own count of what the run did).
    public var increase: Double?
}

extension RunResult: ServerMetricValues {
    func serverValues(_ name: String) -> [Double]? {
        guard serverMetrics?.series.contains(where: { $0.name == name }) == true else { return nil }
        return timeSeries.compactMap { $0.server?[name] }
    }
    func serverIncrease(_ name: String) -> Double? { serverMetrics?.series.first { $0.name == name }?.increase }
}
