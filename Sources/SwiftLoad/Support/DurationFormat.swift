/// Parses and prints durations the way load-testing tools write them: `500ms`, `30s`, `1m30s`,
/// `1.5h`, `250us`.
public enum DurationFormat {
    public struct ParseError: Error, Sendable, CustomStringConvertible {
        public var input: String
        public var description: String {
            "invalid duration '\(input)': expected a number followed by a unit (us, ms, s, m, h), e.g. 30s, 1m30s, 500ms"
        }
    }

    /// Parses one or more `<number><unit>` parts; a bare number is not accepted (ambiguous).
    public static func parse(_ text: String) throws(ParseError) -> Duration {
        let s = text.trimmingSpaces()
        var total = 0.0   // nanoseconds
        var i = s.startIndex
        guard !s.isEmpty else { throw ParseError(input: text) }
        while i < s.endIndex {
            let numStart = i
            while i < s.endIndex, s[i].isASCII, s[i].isNumber || s[i] == "." { i = s.index(after: i) }
            guard i > numStart, let value = Double(s[numStart..<i]) else { throw ParseError(input: text) }
            let unitStart = i
            while i < s.endIndex, s[i].isLetter { i = s.index(after: i) }
            let scale: Double
            switch s[unitStart..<i] {
            case "ns": scale = 1
            case "us", "µs": scale = 1e3
            case "ms": scale = 1e6
            case "s": scale = 1e9
            case "m": scale = 60e9
            case "h": scale = 3600e9
            default: throw ParseError(input: text)
            }
            total += value * scale
        }
        guard total.isFinite, total < 1e18 else { throw ParseError(input: text) }
        return .nanoseconds(Int64(total.rounded()))
    }

    /// A short form: `30s`, `1m30s`, `250ms`, `1h5m`.
    public static func string(_ d: Duration) -> String {
        // Beyond ~292 years nanoseconds overflow Int64 (and a sum of durations may not even
        // fit Duration's seconds): such a duration only ever appears in an error message.
        let bound = Duration.seconds(Int64.max / 1_000_000_000 - 1)
        if d > bound { return "more than 292 years" }
        if d < .zero - bound { return "less than -292 years" }
        let (seconds, atto) = d.components
        let ns = seconds * 1_000_000_000 + atto / 1_000_000_000
        if ns == 0 { return "0s" }
        if ns < 0 { return "-" + string(.nanoseconds(-ns)) }
        if ns % 1_000_000_000 != 0 || ns < 1_000_000_000 {
            if ns % 1_000_000 == 0 { return "\(ns / 1_000_000)ms" }
            if ns % 1_000 == 0 { return "\(ns / 1_000)us" }
            return "\(ns)ns"
        }
        var s = ns / 1_000_000_000
        var out = ""
        if s >= 3600 { out += "\(s / 3600)h"; s %= 3600 }
        if s >= 60 { out += "\(s / 60)m"; s %= 60 }
        if s > 0 { out += "\(s)s" }
        return out
    }

    /// Milliseconds for tables: `0.123ms`, `12.3ms`, `1.23s`.
    public static func milliseconds(_ ms: Double) -> String {
        if ms >= 1000 { return String(format: "%.2fs", ms / 1000) }
        if ms >= 100 { return String(format: "%.0fms", ms) }
        if ms >= 10 { return String(format: "%.1fms", ms) }
        return String(format: "%.2fms", ms)
    }
}

import Foundation
