/// Which scraped series a reader sees first where space is short (the console summary, the HTML
/// report's charts): the application's own before the runtime's, and among them the ones that
/// moved during the run before those that stood still.
enum ServerSeriesRanking {
    /// Families every Prometheus client library adds about its own process.
    static let runtimePrefixes = ["process_", "python_", "go_", "promhttp_", "jvm_", "nodejs_", "dotnet_", "ruby_", "scrape_"]

    static func isRuntime(_ name: String) -> Bool {
        let bare = name.hasPrefix("rate(") ? String(name.dropFirst(5))
            : name.hasPrefix("histogram_quantile(") ? String(name.drop { $0 != " " }.dropFirst()) : name
        return runtimePrefixes.contains { bare.hasPrefix($0) }
    }

    static func moved(_ s: ServerSeriesStats) -> Bool {
        (s.increase ?? 0) > 0 || (s.min != nil && s.max != nil && s.min != s.max && s.kind != .rate) || (s.kind == .quantile && s.samples > 0)
    }

    /// `series` in reading order (a stable sort: first seen first within a rank).
    static func ranked(_ series: [ServerSeriesStats]) -> [ServerSeriesStats] {
        func rank(_ s: ServerSeriesStats) -> Int { (isRuntime(s.name) ? 2 : 0) + (moved(s) ? 0 : 1) }
        return series.enumerated().sorted { (rank($0.element), $0.offset) < (rank($1.element), $1.offset) }.map(\.element)
    }
}
