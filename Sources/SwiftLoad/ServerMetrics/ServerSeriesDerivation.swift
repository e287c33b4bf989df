/// What a server series measures, which decides how it is read and coarsened.
public enum ServerSeriesKind: String, Codable, Sendable {
    /// A counter as its per-second rate over the last scrape interval: `rate(x_total{…})`.
    case rate
    /// A gauge (or an untyped sample, or a summary's quantile) as the server reported it.
    case gauge
    /// A quantile of a histogram's observations in the last scrape interval:
    /// `histogram_quantile(0.99, x{…})`.
    case quantile
}

/// One value a scrape derived for one series.
struct DerivedServerValue {
    var name: String
    var kind: ServerSeriesKind
    var help: String?
    /// Nil when the series needs an earlier scrape (a rate's first scrape) or had nothing to
    /// measure (a histogram with no observations in the interval).
    var value: Double?
    /// Counters: how much the counter grew since the previous scrape (a reset counts from 0).
    var increase: Double?
}

/// Turns two consecutive scrapes of one endpoint into per-second series, as PromQL would read
/// them: counters become rates, gauges stay values, histograms become quantiles of the
/// observations between the two scrapes (`histogram_quantile` over the bucket increases).
enum ServerSeriesDerivation {
    /// The quantiles taken from each histogram.
    static let quantiles: [Double] = [0.5, 0.9, 0.99]

    /// Every sample's value by its full series key, for the next scrape's rates.
    static func index(_ families: [PrometheusFamily]) -> [String: Double] {
        var out: [String: Double] = [:]
        for f in families {
            for s in f.samples { out[s.seriesKey()] = s.value }
        }
        return out
    }

    /// - Parameters:
    ///   - previous: the previous scrape's `index`, nil for the first scrape.
    ///   - seconds: time between the two scrapes.
    ///   - include: which family names to keep.
    static func derive(_ families: [PrometheusFamily], previous: [String: Double]?, seconds: Double,
                       include: (String) -> Bool) -> [DerivedServerValue] {
        var out: [DerivedServerValue] = []
        func rate(_ s: PrometheusSample, help: String?) {
            let key = s.seriesKey()
            var v = DerivedServerValue(name: "rate(\(key))", kind: .rate, help: help)
            if let before = Self.before(key, previous), s.value.isFinite, before.isFinite, seconds > 0 {
                let increase = s.value >= before ? s.value - before : s.value
                v.increase = increase
                v.value = increase / seconds
            }
            out.append(v)
        }
        func gauge(_ s: PrometheusSample, help: String?) {
            guard !s.value.isNaN else { return }
            out.append(DerivedServerValue(name: s.seriesKey(), kind: .gauge, help: help, value: s.value))
        }
        for f in families where include(f.name) {
            switch f.type {
            case .counter:
                for s in f.samples where !s.name.hasSuffix("_created") { rate(s, help: f.help) }
            case .histogram:
                var buckets: [String: [(le: Double, count: Double, before: Double?)]] = [:]
                var order: [String] = []
                for s in f.samples {
                    if s.name == f.name + "_bucket", let le = s.label("le").flatMap(PrometheusTextParser.number) {
                        let group = s.seriesKey(name: f.name, dropping: ["le"])
                        if buckets[group] == nil { order.append(group) }
                        buckets[group, default: []].append((le, s.value, Self.before(s.seriesKey(), previous)))
                    } else if s.name == f.name + "_count" {
                        rate(s, help: f.help.map { "observations of \($0)" })
                    }
                }
                for group in order {
                    let b = buckets[group]!.sorted { $0.le < $1.le }
                    let haveBefore = previous != nil && b.allSatisfy { $0.before != nil }
                    // A counter reset (any bucket fell) restarts the increases from zero.
                    let reset = b.contains { ($0.before ?? 0) > $0.count }
                    let increases = b.map { (le: $0.le, count: reset ? $0.count : $0.count - ($0.before ?? 0)) }
                    for q in quantiles {
                        var v = DerivedServerValue(name: "histogram_quantile(\(q), \(group))", kind: .quantile, help: f.help)
                        if haveBefore { v.value = bucketQuantile(q, increases) }
                        out.append(v)
                    }
                }
            case .summary:
                for s in f.samples {
                    if s.label("quantile") != nil, s.name == f.name { gauge(s, help: f.help) }
                    else if s.name == f.name + "_count" { rate(s, help: f.help.map { "observations of \($0)" }) }
                }
            case .info:
                continue
            default:
                for s in f.samples where !s.name.hasSuffix("_created") { gauge(s, help: f.help) }
            }
        }
        return out
    }

    /// A counter's value at the previous scrape. One missing then, where the endpoint answered,
    /// did not exist yet: client libraries create a labelled counter at its first increment, so
    /// it started from zero (the first requests of a run would otherwise go uncounted).
    private static func before(_ key: String, _ previous: [String: Double]?) -> Double? {
        guard let previous else { return nil }
        return previous[key] ?? 0
    }

    /// Prometheus' `histogram_quantile` over cumulative bucket counts: linear interpolation
    /// inside the bucket holding the rank; the highest finite bound when the rank falls in the
    /// `+Inf` bucket; nil when the buckets hold no observation.
    static func bucketQuantile(_ q: Double, _ buckets: [(le: Double, count: Double)]) -> Double? {
        guard let last = buckets.last, last.le == .infinity, buckets.count >= 2 else { return nil }
        // Cumulative counts can dip through rounding or a scrape mid-update: keep them monotonic.
        var counts = buckets.map(\.count)
        for i in 1..<counts.count { counts[i] = max(counts[i], counts[i - 1]) }
        let total = counts[counts.count - 1]
        guard total > 0 else { return nil }
        let rank = q * total
        let b = counts.firstIndex { $0 >= rank } ?? counts.count - 1
        if b == buckets.count - 1 { return buckets[buckets.count - 2].le }
        if b == 0 && buckets[0].le <= 0 { return buckets[0].le }
        var start = 0.0, inBucket = counts[b], r = rank
        if b > 0 {
            start = buckets[b - 1].le
            inBucket -= counts[b - 1]
            r -= counts[b - 1]
        }
        guard inBucket > 0 else { return buckets[b].le }
        return start + (buckets[b].le - start) * (r / inBucket)
    }
}
