import Foundation

/// A line chart drawn as inline SVG: the report needs no script and no network to show it.
///
/// Two kinds of x axis: seconds since the start, and "nines" for latency spectra (see
/// `LatencySpectrum`), labelled 0 %, 90 %, 99 %, 99.9 % …
struct SVGChart {
    enum XAxis {
        case seconds
        case nines
        /// Iterations per second (a sweep's offered rate).
        case rate
        /// A plain count (a concurrency sweep's VUs).
        case count
    }

    struct Series {
        var label: String
        var color: String
        var points: [(x: Double, y: Double)]
        var dashed = false
        /// Filled down to zero (for a single dominant series such as throughput).
        var filled = false
    }

    var title: String
    var yUnit: String
    var xAxis: XAxis
    var series: [Series]
    /// The drawing's own size; it scales to its box, so these set the text size relative to it
    /// (540 suits a chart in a two-column grid, 1000 one across the page).
    var width = 540
    var height = 240

    private let left = 62.0, right = 16.0, top = 14.0, bottom = 34.0

    /// The series colours, chosen to stay apart for common colour blindness and in print.
    static let palette = ["#2563eb", "#dc2626", "#059669", "#9333ea", "#d97706", "#0891b2", "#be185d", "#4b5563"]

    func render() -> String {
        let plotted = series.filter { !$0.points.isEmpty }
        let xs = plotted.flatMap { $0.points.map(\.x) }, ys = plotted.flatMap { $0.points.map(\.y) }
        let xMax = max(xs.max() ?? 1, xAxis == .nines ? 1 : 1)
        let xMin = xAxis == .nines ? 0 : min(0, xs.min() ?? 0)
        let yTicks = Self.niceTicks(max: max(ys.max() ?? 0, 0))
        let yMax = yTicks.last ?? 1
        let w = Double(width), h = Double(height)
        let pw = w - left - right, ph = h - top - bottom
        func px(_ x: Double) -> Double { left + (xMax > xMin ? (x - xMin) / (xMax - xMin) : 0) * pw }
        func py(_ y: Double) -> Double { top + ph - (yMax > 0 ? min(y, yMax) / yMax : 0) * ph }

        var out = "<svg class=\"chart\" viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-label=\"\(HTML.escape(title))\" xmlns=\"http://www.w3.org/2000/svg\">"
        out += "<title>\(HTML.escape(title))</title>"
        // Grid and y labels.
        for t in yTicks {
            let y = Self.f(py(t))
            out += "<line class=\"grid\" x1=\"\(Self.f(left))\" y1=\"\(y)\" x2=\"\(Self.f(w - right))\" y2=\"\(y)\"/>"
            out += "<text class=\"ylabel\" x=\"\(Self.f(left - 6))\" y=\"\(y)\" dy=\"0.32em\" text-anchor=\"end\">\(HTML.escape(Self.label(t, unit: yUnit)))</text>"
        }
        // X ticks.
        for (value, text) in xTicks(min: xMin, max: xMax) {
            let x = Self.f(px(value))
            out += "<line class=\"tick\" x1=\"\(x)\" y1=\"\(Self.f(top + ph))\" x2=\"\(x)\" y2=\"\(Self.f(top + ph + 4))\"/>"
            out += "<text class=\"xlabel\" x=\"\(x)\" y=\"\(Self.f(top + ph + 18))\" text-anchor=\"middle\">\(HTML.escape(text))</text>"
        }
        out += "<line class=\"axis\" x1=\"\(Self.f(left))\" y1=\"\(Self.f(top + ph))\" x2=\"\(Self.f(w - right))\" y2=\"\(Self.f(top + ph))\"/>"
        // Series, drawn in order so the first stays on top when drawn last.
        for s in plotted.reversed() {
            let coords = s.points.map { "\(Self.f(px($0.x))),\(Self.f(py($0.y)))" }
            if s.filled, let first = s.points.first, let last = s.points.last {
                let area = "\(Self.f(px(first.x))),\(Self.f(py(0))) " + coords.joined(separator: " ") + " \(Self.f(px(last.x))),\(Self.f(py(0)))"
                out += "<polygon class=\"area\" fill=\"\(s.color)\" points=\"\(area)\"/>"
            }
            let dash = s.dashed ? " stroke-dasharray=\"5 4\"" : ""
            if coords.count == 1 {
                let p = s.points[0]
                out += "<circle class=\"series\" data-points=\"1\" cx=\"\(Self.f(px(p.x)))\" cy=\"\(Self.f(py(p.y)))\" r=\"3\" fill=\"\(s.color)\"><title>\(HTML.escape(s.label))</title></circle>"
            } else {
                out += "<polyline class=\"series\" data-points=\"\(coords.count)\" fill=\"none\" stroke=\"\(s.color)\"\(dash) points=\"\(coords.joined(separator: " "))\"><title>\(HTML.escape(s.label))</title></polyline>"
            }
        }
        if plotted.isEmpty {
            out += "<text class=\"empty\" x=\"\(Self.f(left + pw / 2))\" y=\"\(Self.f(top + ph / 2))\" text-anchor=\"middle\">no data</text>"
        }
        out += "</svg>"
        return out
    }

    /// The chart with its title and a legend, as a figure.
    func figure() -> String {
        var out = "<figure class=\"chart-box\"><figcaption>\(HTML.escape(title))</figcaption>"
        out += render()
        if series.count > 1 || xAxis == .nines {
            out += "<ul class=\"legend\">"
            for s in series where !s.points.isEmpty {
                out += "<li><span class=\"swatch\(s.dashed ? " dashed" : "")\" style=\"border-color:\(s.color)\"></span>\(HTML.escape(s.label))</li>"
            }
            out += "</ul>"
        }
        return out + "</figure>"
    }

    private func xTicks(min lo: Double, max hi: Double) -> [(Double, String)] {
        switch xAxis {
        case .nines:
            let labels = ["0%", "90%", "99%", "99.9%", "99.99%", "99.999%", "99.9999%"]
            var ticks = (0...Swift.min(6, Int(hi.rounded(.down)))).map { (Double($0), labels[$0]) }
            // The spectrum ends at the maximum: mark it unless a whole nine already sits there.
            if hi - Double(ticks.count - 1) > 0.25 { ticks.append((hi, "max")) }
            return ticks
        case .seconds, .rate, .count:
            let step = Self.niceStep(for: hi - lo, target: 8)
            var out: [(Double, String)] = []
            var t = (lo / step).rounded(.up) * step
            while t <= hi + step * 1e-9 {
                switch xAxis {
                case .rate: out.append((t, Self.label(t, unit: "") + "/s"))
                case .count: out.append((t, Self.label(t, unit: "")))
                default: out.append((t, HTMLReport.seconds(t)))
                }
                t += step
            }
            return out
        }
    }

    /// Round tick values from 0 to at least `max`, about five of them.
    static func niceTicks(max: Double) -> [Double] {
        guard max > 0 else { return [0, 1] }
        let step = niceStep(for: max, target: 5)
        let n = Int((max / step).rounded(.up))
        return (0...Swift.max(1, n)).map { Double($0) * step }
    }

    static func niceStep(for span: Double, target: Int) -> Double {
        guard span > 0 else { return 1 }
        let raw = span / Double(target)
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        for m in [1.0, 2, 2.5, 5, 10] where raw <= m * magnitude { return m * magnitude }
        return 10 * magnitude
    }

    static func label(_ v: Double, unit: String) -> String {
        let number: String
        if v == 0 {
            number = "0"
        } else if abs(v) >= 1_000_000 {
            number = trim(v / 1_000_000) + "M"
        } else if abs(v) >= 10_000 {
            number = trim(v / 1000) + "k"
        } else {
            number = trim(v)
        }
        return unit.isEmpty ? number : "\(number) \(unit)"
    }

    private static func trim(_ v: Double) -> String {
        if v == v.rounded() { return String(Int(v)) }
        var s = String(format: "%.3f", v)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s
    }

    /// Coordinates with one decimal: enough on screen, and short in the file.
    static func f(_ v: Double) -> String {
        let r = (v * 10).rounded() / 10
        return r == r.rounded() ? String(Int(r)) : String(format: "%.1f", r)
    }
}
