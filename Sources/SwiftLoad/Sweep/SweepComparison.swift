import Foundation

/// Several sweeps side by side (`swiftload report a-sweep.json b-sweep.json --html PATH`): the
/// serving options of an experiment on one page, each one's latency and achieved rate against
/// the offered rate (or VUs) on shared axes, and a table of each one's highest passing rate.
public enum SweepComparison {
    public struct Entry: Sendable {
        public var label: String
        public var sweep: SweepResult
        public init(label: String, sweep: SweepResult) {
            self.label = label
            self.sweep = sweep
        }
    }

    /// Why sweeps cannot share a page: one swept rates, another VUs.
    public static func problem(_ entries: [Entry]) -> String? {
        let modes = Set(entries.map(\.sweep.mode))
        return modes.count > 1 ? "these sweeps mix rate and concurrency sweeps; compare like with like" : nil
    }

    /// The answers, one line per sweep, best first.
    public static func console(_ entries: [Entry]) -> String {
        let closed = entries.first?.sweep.mode == "concurrency"
        let width = max(12, entries.map(\.label.count).max() ?? 0) + 2
        var out = ["  " + "sweep".padding(toLength: width, withPad: " ", startingAt: 0)
                   + (closed ? "highest VUs" : "highest /s").padding(toLength: 13, withPad: " ", startingAt: 0)
                   + "p99 there".padding(toLength: 11, withPad: " ", startingAt: 0) + "fails at"]
        for e in entries.sorted(by: { ($0.sweep.highestPassingRate ?? -1) > ($1.sweep.highestPassingRate ?? -1) }) {
            let s = e.sweep
            let best = s.highestPassingRate
            let at = s.highestPassingStep
            let bestText = best.map { closed ? String(Int($0)) : NumberFormat.rate($0) } ?? "none"
            var line = "  " + e.label.padding(toLength: width, withPad: " ", startingAt: 0)
                + (bestText + (s.generatorLimitedAt != nil ? "+" : "") + (s.interruptedBy != nil ? "!" : ""))
                    .padding(toLength: 13, withPad: " ", startingAt: 0)
                + (at.map { DurationFormat.milliseconds($0.p99) } ?? "-").padding(toLength: 11, withPad: " ", startingAt: 0)
            line += s.lowestFailingRate.map { closed ? String(Int($0)) : NumberFormat.rate($0) } ?? "-"
            out.append(line)
        }
        if entries.contains(where: { $0.sweep.generatorLimitedAt != nil }) {
            out.append("  + the generator limited that sweep: its answer is a lower bound")
        }
        if entries.contains(where: { $0.sweep.interruptedBy != nil }) {
            out.append("  ! that sweep was interrupted: its answer covers only the steps it finished")
        }
        return out.joined(separator: "\n") + "\n"
    }

    public static func html(_ entries: [Entry]) -> String {
        let closed = entries.first?.sweep.mode == "concurrency"
        func x(_ st: SweepStep) -> Double { closed ? Double(st.vus ?? 0) : st.rate }
        let axis: SVGChart.XAxis = closed ? .count : .rate
        let against = closed ? "VUs" : "offered rate"
        let palette = SVGChart.palette
        func series(_ y: (SweepStep) -> Double) -> [SVGChart.Series] {
            entries.enumerated().map { i, e in
                // Discarded steps measured the generator, not the server: they stay off the curve.
                let steps = e.sweep.steps.filter { !$0.discarded }.sorted { x($0) < x($1) }
                return SVGChart.Series(label: e.label, color: palette[i % palette.count], points: steps.map { (x($0), y($0)) },
                                       dashed: i >= palette.count)
            }
        }
        // Labels written "group · option" (an experiment's sections) get a pair of charts per
        // group, so no chart holds more curves than a reader can tell apart.
        var groups: [(name: String, entries: [Int])] = []
        for (i, e) in entries.enumerated() {
            let name = e.label.contains(" · ") ? String(e.label.components(separatedBy: " · ")[0]) : ""
            if let g = groups.firstIndex(where: { $0.name == name }) { groups[g].entries.append(i) } else { groups.append((name, [i])) }
        }
        var charts = ""
        for g in groups {
            let suffix = g.name.isEmpty ? "" : " — \(g.name)"
            let pick = { (all: [SVGChart.Series]) in g.entries.map { all[$0] }.enumerated().map { j, s in
                var s = s
                s.color = palette[j % palette.count]
                s.dashed = j >= palette.count
                if !g.name.isEmpty { s.label = String(s.label.dropFirst(g.name.count + 3)) }
                return s
            } }
            charts += SVGChart(title: "p99 latency against \(against)\(suffix)", yUnit: "ms", xAxis: axis, series: pick(series(\.p99)),
                               width: 1000, height: 340).figure()
            charts += SVGChart(title: "Achieved rate against \(against)\(suffix)", yUnit: "", xAxis: axis,
                               series: pick(series(\.achievedRate)), width: 1000, height: 300).figure()
        }
        let slos = Set(entries.map { $0.sweep.slos.joined(separator: ", ") })
        var body = "<h1>Sweeps side by side</h1>"
        body += "<p class=\"sub\">SLOs: \(HTML.escape(slos.sorted().joined(separator: " | "))) · \(entries.count) sweeps</p>"
        let rows = entries.sorted { ($0.sweep.highestPassingRate ?? -1) > ($1.sweep.highestPassingRate ?? -1) }.map { e -> [String] in
            let s = e.sweep
            let best = s.highestPassingRate
            let at = s.highestPassingStep
            func v(_ r: Double) -> String { closed ? String(Int(r)) : NumberFormat.rate(r) + "/s" }
            return [e.label, best.map(v) ?? "none", at.map { HTML.ms($0.p50) } ?? "–", at.map { HTML.ms($0.p99) } ?? "–",
                    s.lowestFailingRate.map(v) ?? "–",
                    [s.generatorLimitedAt.map { "generator limited at \(v($0)): a lower bound" },
                     s.interruptedBy.map { "interrupted (\($0)): covers only the steps finished" }].compactMap { $0 }.joined(separator: "; "),
                    URL(fileURLWithPath: s.script).lastPathComponent]
        }
        body += HTMLReport.section("Highest \(closed ? "concurrency" : "rate") meeting every SLO",
                                   HTML.table(["sweep", "highest passing", "p50 there", "p99 there", "fails at", "note", "scenario"],
                                              rows.map { $0.map(HTML.escape) }, numeric: [1, 2, 3, 4]))
        body += HTMLReport.section("The curves", charts
            + "<p class=\"note\">Each point is one step of a sweep (its last stable window); a curve stops where its sweep stopped. "
            + "Steps the generator limited are left out.</p>")
        return HTMLReport.page(title: "Sweeps side by side", body: body,
                               footer: "swiftload \(SwiftLoadVersion.current) · \(entries.count) sweeps")
    }
}
