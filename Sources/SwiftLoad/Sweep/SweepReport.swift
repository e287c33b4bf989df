import Foundation

/// A sweep as a person reads it: the console table with the answer, and one HTML page with the
/// throughput–latency curve and the knee marked.
public enum SweepReport {
    /// The console table, one line per step in the order run, then the answer.
    public static func console(_ s: SweepResult) -> String {
        let closed = s.mode == "concurrency"
        var out = ["swiftload sweep \(s.script)", "  SLOs: " + s.slos.joined(separator: ", "), ""]
        out.append("  " + [closed ? "VUs" : "offered/s", "achieved/s", "p50", "p95", "p99", "errors", "windows", "verdict"]
            .enumerated().map { $0.offset < 7 ? pad($0.element, 11) : $0.element }.joined())
        for st in s.steps {
            let cells = [closed ? String(st.vus ?? 0) : NumberFormat.rate(st.rate), NumberFormat.rate(st.achievedRate), DurationFormat.milliseconds(st.p50),
                         DurationFormat.milliseconds(st.p95), DurationFormat.milliseconds(st.p99), NumberFormat.percent(st.errorRate),
                         "\(st.windows)\(st.stable ? "" : "*")"]
            out.append("  " + cells.map { pad($0, 11) }.joined()
                       + (st.passed ? "ok" : (st.discarded ? "DISCARDED: " : "FAIL: ") + st.reasons.joined(separator: "; ")))
        }
        out.append("")
        if closed {
            if let best = s.highestPassingRate, let step = s.highestPassingStep {
                out.append("  highest concurrency meeting every SLO: \(Int(best)) VUs, \(NumberFormat.rate(step.achievedRate))/s"
                           + (s.lowestFailingRate.map { " (fails at \(Int($0)) VUs)" } ?? " (the most VUs tried)"))
            } else {
                out.append("  no concurrency met every SLO (the lowest tried was \(s.steps.first?.vus ?? 0) VUs)")
            }
        } else if let best = s.highestPassingRate {
            out.append("  highest rate meeting every SLO: \(NumberFormat.rate(best))/s"
                       + (s.lowestFailingRate.map { " (fails at \(NumberFormat.rate($0))/s)" } ?? " (the highest rate tried)"))
        } else {
            out.append("  no rate met every SLO (the lowest tried was \(NumberFormat.rate(s.steps.first?.rate ?? 0))/s)")
        }
        if let g = s.generatorLimitedAt {
            out.append("  the generator limited the sweep at \(closed ? "\(Int(g)) VUs" : NumberFormat.rate(g) + "/s") (step discarded, tainted): "
                       + "the answer is a lower bound; give the generator more workers or machines (--segment)")
        }
        if s.steps.contains(where: { !$0.stable }) { out.append("  * windows did not agree within the tolerance before the cap") }
        if let signal = s.interruptedBy {
            out.append("  interrupted (\(signal)): the answer covers only the steps above; the window under way was left out")
        }
        return out.joined(separator: "\n") + "\n"
    }

    private static func pad(_ s: String, _ n: Int) -> String {
        s.count >= n ? s + " " : s + String(repeating: " ", count: n - s.count)
    }

    /// One self-contained page: the curve of p50/p95/p99 and achieved rate against offered rate,
    /// the knee marked, and the table.
    public static func html(_ s: SweepResult) -> String {
        let closed = s.mode == "concurrency"
        // The x axis: offered rate, or VUs in a concurrency sweep.
        func x(_ st: SweepStep) -> Double { closed ? Double(st.vus ?? 0) : st.rate }
        let axis: SVGChart.XAxis = closed ? .count : .rate
        let steps = s.steps.sorted { x($0) < x($1) }
        let against = closed ? "VUs" : "offered rate"
        let latency = SVGChart(title: "Latency against \(against)", yUnit: "ms", xAxis: axis, series: [
            .init(label: "p99", color: SVGChart.palette[1], points: steps.map { (x($0), $0.p99) }),
            .init(label: "p95", color: SVGChart.palette[0], points: steps.map { (x($0), $0.p95) }),
            .init(label: "p50", color: SVGChart.palette[2], points: steps.map { (x($0), $0.p50) }, dashed: true),
        ] + kneeMarker(s, steps: steps, y: steps.map(\.p99).max() ?? 0), width: 1000, height: 320)
        var rates: [SVGChart.Series] = [.init(label: "achieved /s", color: SVGChart.palette[0], points: steps.map { (x($0), $0.achievedRate) })]
        if !closed { rates.append(.init(label: "offered /s", color: SVGChart.palette[7], points: steps.map { ($0.rate, $0.rate) }, dashed: true)) }
        let throughput = SVGChart(title: "Achieved rate against \(against)", yUnit: "", xAxis: axis,
                                  series: rates + kneeMarker(s, steps: steps, y: steps.map(\.achievedRate).max() ?? 0), width: 1000, height: 280)
        let answer = s.highestPassingRate.map {
            closed ? "Highest concurrency meeting every SLO: \(Int($0)) VUs" : "Highest rate meeting every SLO: \(NumberFormat.rate($0))/s"
        } ?? "Nothing tried met every SLO"
        var body = "<h1>Sweep: \(HTML.escape(s.script))</h1>"
        body += "<p class=\"sub\">SLOs: \(HTML.escape(s.slos.joined(separator: ", "))) · <strong>\(HTML.escape(answer))</strong>"
            + (s.lowestFailingRate.map { " · fails at \(HTML.escape(closed ? "\(Int($0)) VUs" : NumberFormat.rate($0) + "/s"))" } ?? "") + "</p>"
        if let g = s.generatorLimitedAt {
            body += "<p class=\"note\">The generator limited the sweep at \(HTML.escape(closed ? "\(Int(g)) VUs" : NumberFormat.rate(g) + "/s")): that step is discarded and the answer is a lower bound.</p>"
        }
        if let signal = s.interruptedBy {
            body += "<p class=\"note\">Interrupted (\(HTML.escape(signal))): the answer covers only the steps shown; the window under way was left out.</p>"
        }
        body += HTMLReport.section("The curve", latency.figure() + throughput.figure()
                                   + "<p class=\"note\">The dotted vertical line marks the highest passing \(closed ? "VU count" : "rate").</p>")
        let rows = s.steps.map { st in
            [closed ? String(st.vus ?? 0) : NumberFormat.rate(st.rate), NumberFormat.rate(st.achievedRate), HTML.ms(st.p50), HTML.ms(st.p95), HTML.ms(st.p99),
             HTML.percent(st.errorRate), "\(st.windows)\(st.stable ? "" : " (not stable)")",
             st.passed ? "ok" : (st.discarded ? "discarded (the generator limited it): " : "fail: ") + st.reasons.joined(separator: "; ")]
        }
        body += HTMLReport.section("Steps, in the order run", "<div class=\"scroll\">"
            + HTML.table([closed ? "VUs" : "offered /s", "achieved /s", "p50", "p95", "p99", "errors", "windows", "verdict"], rows.map { $0.map(HTML.escape) },
                         numeric: [0, 1, 2, 3, 4, 5]) + "</div>")
        return HTMLReport.page(title: "Sweep: \(s.script)", body: body,
                               footer: "swiftload \(SwiftLoadVersion.current) · sweep of \(s.steps.count) steps")
    }

    private static func kneeMarker(_ s: SweepResult, steps: [SweepStep], y: Double) -> [SVGChart.Series] {
        guard let best = s.highestPassingRate, y > 0 else { return [] }
        return [.init(label: "highest passing", color: SVGChart.palette[3], points: [(best, 0), (best, y)], dashed: true)]
    }
}
