/// The HTML report's "Server metrics" section (`--scrape`): the client's p99 and the busiest
/// server series on the same time axis, so a reader sees whether the server queued or the client
/// waited; then every series with its min, average, max and growth over the run.
enum HTMLServerMetrics {
    /// Charts drawn at most; the table lists every series.
    static let maxCharts = 8

    static func section(_ r: RunResult) -> String? {
        guard let m = r.serverMetrics else { return nil }
        let points = r.timeSeries.filter { $0.seconds >= 0.5 }
        let palette = SVGChart.palette
        func steps(_ name: String) -> [(x: Double, y: Double)] {
            points.flatMap { p -> [(x: Double, y: Double)] in
                guard let v = p.server?[name], v.isFinite else { return [] }
                return [(x: max(0, p.t - p.seconds), y: v), (x: p.t, y: v)]
            }
        }
        var charts = [SVGChart(title: "Client latency (for reference)", yUnit: "ms", xAxis: .seconds, series: [
            SVGChart.Series(label: "p99", color: palette[1], points: HTMLReport.steps(points) { $0.p99 }),
            SVGChart.Series(label: "p50", color: palette[0], points: HTMLReport.steps(points) { $0.p50 }),
        ])]
        // A histogram's quantiles share one chart.
        var drawn = Set<String>()
        for s in ServerSeriesRanking.ranked(m.series) where s.samples > 0 && !drawn.contains(s.name) {
            guard charts.count <= maxCharts else { break }
            if s.kind == .quantile, let base = quantileBase(s.name) {
                let family = m.series.filter { $0.kind == .quantile && quantileBase($0.name) == base }
                family.forEach { drawn.insert($0.name) }
                charts.append(SVGChart(title: base, yUnit: "", xAxis: .seconds, series: family.reversed().enumerated().map { i, q in
                    SVGChart.Series(label: quantileLabel(q.name), color: palette[(i + 1) % palette.count], points: steps(q.name))
                }))
            } else {
                drawn.insert(s.name)
                charts.append(SVGChart(title: s.name, yUnit: s.kind == .rate ? "/s" : "", xAxis: .seconds, series: [
                    SVGChart.Series(label: s.kind == .rate ? "per second" : "value", color: palette[0], points: steps(s.name), filled: true),
                ]))
            }
        }
        let rows = ServerSeriesRanking.ranked(m.series).map { s in
            [HTML.escape(s.name), s.kind.rawValue] + [s.min, s.avg, s.max].map { $0.map(NumberFormat.value) ?? "–" }
                + [s.increase.map { "+" + NumberFormat.value($0) } ?? ""]
        }
        var note = "Scraped from " + m.targets.map { t in
            "\(HTML.escape(t.url)) (\(t.scrapes) scrapes\(t.failures > 0 ? ", \(t.failures) failed: \(HTML.escape(t.lastError ?? ""))" : ""))"
        }.joined(separator: ", ")
        note += ". Counters are per-second rates, histograms the quantiles of each second's observations; "
            + "\"over the run\" is a counter's growth from just before the load to just after it."
        if let d = m.droppedSeries { note += " \(d) series past the cap were left out." }
        return HTMLReport.section("Server metrics", "<div class=\"charts\">" + charts.map { $0.figure() }.joined() + "</div>"
            + "<p class=\"note\">\(note)</p>"
            + HTML.table(["series", "kind", "min", "avg", "max", "over the run"], rows, numeric: [2, 3, 4, 5]))
    }

    /// `x{…}` of `histogram_quantile(0.99, x{…})`.
    static func quantileBase(_ name: String) -> String? {
        guard name.hasPrefix("histogram_quantile("), let comma = name.firstIndex(of: ","), name.hasSuffix(")") else { return nil }
        return String(name[name.index(after: comma)..<name.index(before: name.endIndex)]).trimmingCharacters(in: .whitespaces)
    }

    /// `p99` of `histogram_quantile(0.99, x{…})`.
    static func quantileLabel(_ name: String) -> String {
        let q = name.dropFirst("histogram_quantile(".count).prefix { $0 != "," }
        guard let v = Double(q) else { return String(q) }
        let p = v * 100
        return "p" + (p == p.rounded() ? String(Int(p)) : String(p))
    }
}

import Foundation
