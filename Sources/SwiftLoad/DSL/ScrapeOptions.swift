/// Server metrics to record beside the client's: Prometheus text endpoints scraped on a timer of
/// their own while the load runs (also `--scrape URL`).
///
///     static let options = Options(
///         scenarios: ["infer": .constantArrivalRate(200, duration: .seconds(60), preAllocatedVUs: 50)],
///         thresholds: ["server:rate(model_infer_request_failure_total{model=\"iris\",version=\"None\"})": "max == 0"],
///         scrape: ScrapeOptions(["http://127.0.0.1:8082/metrics"], include: ["model_", "rest_server_"]))
///
/// Counters become per-second rates (`rate(x_total{…})`), gauges stay values (`x{…}`), and
/// histograms become the 0.5, 0.9 and 0.99 quantiles of the interval's observations
/// (`histogram_quantile(0.99, x{…})`). Each sits in the result's per-second time series, in the
/// HTML report's charts and in `serverMetrics`, and thresholds address it as `server:<series>`.
public struct ScrapeOptions: Sendable, Equatable {
    /// `http://` or `https://` URLs of Prometheus text endpoints.
    public var targets: [String]
    /// Metric family name prefixes to keep (`--scrape-include`); empty keeps every family.
    public var include: [String]
    /// Time between scrapes (default one second, the time series' step).
    public var interval: Duration
    /// Series kept at most over every endpoint; later ones are left out with a warning.
    public var maxSeries: Int

    public init(_ targets: [String] = [], include: [String] = [], interval: Duration = .seconds(1), maxSeries: Int = 500) {
        self.targets = targets
        self.include = include
        self.interval = interval
        self.maxSeries = maxSeries
    }

    /// Every problem with these options.
    func validate() -> [String] {
        var problems: [String] = []
        for t in targets {
            let lower = t.lowercased()
            let rest = lower.hasPrefix("http://") ? lower.dropFirst(7) : lower.hasPrefix("https://") ? lower.dropFirst(8) : nil
            if rest == nil || rest!.isEmpty || rest!.hasPrefix("/") || t.contains(where: { $0 == " " || $0.isNewline }) {
                problems.append("scrape target \"\(t)\" is not an http:// or https:// URL")
            }
        }
        if interval < .milliseconds(100) || interval > .seconds(60) {
            problems.append("scrape interval must be between 100ms and 60s (got \(DurationFormat.string(interval)))")
        }
        if maxSeries < 1 || maxSeries > 100_000 { problems.append("scrape maxSeries must be between 1 and 100000 (got \(maxSeries))") }
        return problems
    }
}
