/// One metric family of a Prometheus text exposition: its declared type, help and samples.
public struct PrometheusFamily: Sendable, Equatable {
    public var name: String
    public var type: PrometheusMetricType
    public var help: String?
    public var samples: [PrometheusSample]
}

/// The types `# TYPE` declares (Prometheus text format 0.0.4 and OpenMetrics 1.0).
public enum PrometheusMetricType: String, Sendable, Equatable {
    case counter, gauge, histogram, summary, untyped
    case gaugehistogram, stateset, info, unknown
}

/// One sample line: `name{label="value",…} value [timestamp]`.
public struct PrometheusSample: Sendable, Equatable {
    public var name: String
    /// Labels in the order written.
    public var labels: [PrometheusLabel]
    public var value: Double
    /// Milliseconds since 1970 when the exposition gives one.
    public var timestamp: Int64?

    /// `name{a="1",b="2"}` with labels sorted by name (PromQL's way of printing a series), without
    /// the labels in `dropping`.
    public func seriesKey(name: String? = nil, dropping: Set<String> = []) -> String {
        let kept = labels.filter { !dropping.contains($0.name) }.sorted { $0.name < $1.name }
        let base = name ?? self.name
        guard !kept.isEmpty else { return base }
        return base + "{" + kept.map { "\($0.name)=\"\(Self.escape($0.value))\"" }.joined(separator: ",") + "}"
    }

    public func label(_ name: String) -> String? { labels.first { $0.name == name }?.value }

    private static func escape(_ v: String) -> String {
        var out = ""
        for c in v {
            switch c {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(c)
            }
        }
        return out
    }
}

public struct PrometheusLabel: Sendable, Equatable {
    public var name: String
    public var value: String
}

/// A line of an exposition that does not parse.
public struct PrometheusParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 1-based.
    public var line: Int
    public var reason: String
    public var description: String { "line \(line): \(reason)" }
}

/// Parses the Prometheus text exposition format (version 0.0.4, what `/metrics` endpoints serve)
/// and its OpenMetrics 1.0 superset: `# HELP` and `# TYPE` lines, other comments, samples with
/// optional labels (escapes `\\`, `\"`, `\n`; a trailing comma), values including `NaN`, `+Inf`
/// and `-Inf`, an optional timestamp, and `# EOF`.
///
/// Samples are grouped into the family their name belongs to: `x_bucket`, `x_count`, `x_sum` and
/// `x_created` into histogram or summary `x`, `x_total` into counter `x` (OpenMetrics names a
/// counter family without its `_total`). A sample of no declared family is a family of its own,
/// untyped. As Prometheus does, one malformed line rejects the whole exposition.
public enum PrometheusTextParser {
    public static func parse(_ text: String) throws(PrometheusParseError) -> [PrometheusFamily] {
        try parse(Array(text.utf8))
    }

    public static func parse(_ bytes: [UInt8]) throws(PrometheusParseError) -> [PrometheusFamily] {
        var families: [PrometheusFamily] = []
        var index: [String: Int] = [:]
        func family(_ name: String) -> Int {
            if let i = index[name] { return i }
            families.append(PrometheusFamily(name: name, type: .untyped, help: nil, samples: []))
            index[name] = families.count - 1
            return families.count - 1
        }
        var lineNumber = 0
        var start = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count && bytes[end] != 0x0A { end += 1 }
            lineNumber += 1
            var lineEnd = end
            if lineEnd > start && bytes[lineEnd - 1] == 0x0D { lineEnd -= 1 }
            var line = LineScanner(bytes: bytes, i: start, end: lineEnd, number: lineNumber)
            line.skipSpaces()
            if line.atEnd {
                // blank line
            } else if line.peek == UInt8(ascii: "#") {
                line.i += 1
                line.skipSpaces()
                let keyword = line.token()
                if keyword == "EOF" { break }
                if keyword == "HELP" || keyword == "TYPE" {
                    line.skipSpaces()
                    let name = line.token()
                    guard isMetricName(name) else { throw line.error("expected a metric name after # \(keyword)") }
                    line.skipSpaces()
                    let rest = line.rest()
                    if keyword == "HELP" {
                        families[family(name)].help = unescapeHelp(rest)
                    } else {
                        guard let type = PrometheusMetricType(rawValue: rest.lowercased().trimmingCharacters(in: .whitespaces)) else {
                            throw line.error("unknown type \"\(rest)\"")
                        }
                        let f = family(name)
                        guard families[f].samples.isEmpty else { throw line.error("# TYPE for \(name) after its samples") }
                        families[f].type = type
                    }
                }
                // Any other comment (`# UNIT`, free text) is skipped.
            } else {
                let sample = try line.sample()
                families[family(owner(of: sample.name, families: families, index: index))].samples.append(sample)
            }
            start = end + 1
        }
        return families.filter { !$0.samples.isEmpty || $0.type != .untyped || $0.help != nil }
    }

    /// The family a sample name belongs to.
    private static func owner(of name: String, families: [PrometheusFamily], index: [String: Int]) -> String {
        func declared(_ base: Substring, _ types: Set<PrometheusMetricType>) -> Bool {
            index[String(base)].map { types.contains(families[$0].type) } ?? false
        }
        for (suffix, types) in suffixes where name.hasSuffix(suffix) {
            let base = name.dropLast(suffix.count)
            if declared(base, types) { return String(base) }
        }
        return name
    }

    private static let suffixes: [(String, Set<PrometheusMetricType>)] = [
        ("_bucket", [.histogram, .gaugehistogram]),
        ("_count", [.histogram, .summary]),
        ("_sum", [.histogram, .summary]),
        ("_gcount", [.gaugehistogram]),
        ("_gsum", [.gaugehistogram]),
        ("_created", [.histogram, .summary, .counter]),
        ("_total", [.counter]),
        ("_info", [.info]),
    ]

    static func isMetricName(_ s: String) -> Bool {
        guard let first = s.utf8.first, isNameStart(first) || first == UInt8(ascii: ":") else { return false }
        return s.utf8.allSatisfy { isNameStart($0) || $0 == UInt8(ascii: ":") || ($0 >= 0x30 && $0 <= 0x39) }
    }

    static func isNameStart(_ c: UInt8) -> Bool {
        (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == UInt8(ascii: "_")
    }

    private static func unescapeHelp(_ s: String) -> String {
        guard s.contains("\\") else { return s }
        var out = ""
        var escaped = false
        for c in s {
            if escaped {
                out.append(c == "n" ? "\n" : c)
                escaped = false
            } else if c == "\\" {
                escaped = true
            } else {
                out.append(c)
            }
        }
        return out
    }

    /// Reads one line left to right.
    private struct LineScanner {
        let bytes: [UInt8]
        var i: Int
        let end: Int
        let number: Int

        var atEnd: Bool { i >= end }
        var peek: UInt8 { bytes[i] }

        func error(_ reason: String) -> PrometheusParseError { PrometheusParseError(line: number, reason: reason) }

        mutating func skipSpaces() {
            while i < end && (bytes[i] == 0x20 || bytes[i] == 0x09) { i += 1 }
        }

        /// Up to the next space.
        mutating func token() -> String {
            let s = i
            while i < end && bytes[i] != 0x20 && bytes[i] != 0x09 { i += 1 }
            return String(decoding: bytes[s..<i], as: UTF8.self)
        }

        mutating func rest() -> String {
            defer { i = end }
            return String(decoding: bytes[i..<end], as: UTF8.self)
        }

        mutating func name() -> String {
            let s = i
            while i < end && (PrometheusTextParser.isNameStart(bytes[i]) || bytes[i] == UInt8(ascii: ":")
                              || (i > s && bytes[i] >= 0x30 && bytes[i] <= 0x39)) { i += 1 }
            return String(decoding: bytes[s..<i], as: UTF8.self)
        }

        mutating func sample() throws(PrometheusParseError) -> PrometheusSample {
            let metric = name()
            guard !metric.isEmpty else { throw error("expected a metric name") }
            var labels: [PrometheusLabel] = []
            skipSpaces()
            if !atEnd && peek == UInt8(ascii: "{") {
                i += 1
                while true {
                    skipSpaces()
                    guard !atEnd else { throw error("expected '}' to close the labels") }
                    if peek == UInt8(ascii: "}") { i += 1; break }
                    let label = name()
                    guard !label.isEmpty else { throw error("expected a label name") }
                    skipSpaces()
                    guard !atEnd && peek == UInt8(ascii: "=") else { throw error("expected '=' after label \(label)") }
                    i += 1
                    skipSpaces()
                    labels.append(PrometheusLabel(name: label, value: try quoted()))
                    skipSpaces()
                    guard !atEnd else { throw error("expected '}' to close the labels") }
                    if peek == UInt8(ascii: ",") { i += 1; continue }
                    guard peek == UInt8(ascii: "}") else { throw error("expected ',' or '}' after a label value") }
                }
            }
            skipSpaces()
            let valueText = token()
            guard let value = PrometheusTextParser.number(valueText) else {
                throw error(valueText.isEmpty ? "expected a value after \(metric)" : "bad value \"\(valueText)\"")
            }
            skipSpaces()
            var timestamp: Int64?
            // An OpenMetrics exemplar (`# {trace_id="…"} 1.0`) may follow the value or the
            // timestamp; it is not needed here.
            if !atEnd && peek != UInt8(ascii: "#") {
                let t = token()
                // OpenMetrics writes timestamps in seconds with a fraction; 0.0.4 in milliseconds.
                if let ms = Int64(t) { timestamp = ms } else if let s = Double(t), s.isFinite { timestamp = Int64(s * 1000) } else {
                    throw error("bad timestamp \"\(t)\"")
                }
                skipSpaces()
                if !atEnd && peek != UInt8(ascii: "#") { throw error("unexpected text after the timestamp") }
            }
            return PrometheusSample(name: metric, labels: labels, value: value, timestamp: timestamp)
        }

        mutating func quoted() throws(PrometheusParseError) -> String {
            guard !atEnd && peek == UInt8(ascii: "\"") else { throw error("expected '\"' to open a label value") }
            i += 1
            var out: [UInt8] = []
            while true {
                guard i < end else { throw error("unterminated label value") }
                let c = bytes[i]
                i += 1
                if c == UInt8(ascii: "\"") { break }
                if c == UInt8(ascii: "\\") {
                    guard i < end else { throw error("unterminated label value") }
                    let e = bytes[i]
                    i += 1
                    switch e {
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "\\"), UInt8(ascii: "\""): out.append(e)
                    default: out.append(c); out.append(e)
                    }
                } else {
                    out.append(c)
                }
            }
            return String(decoding: out, as: UTF8.self)
        }
    }

    /// A sample value or an `le`/`quantile` label: a float, `NaN`, `+Inf` or `-Inf`.
    static func number(_ s: String) -> Double? {
        switch s {
        case "NaN", "nan": return .nan
        case "+Inf", "Inf", "+inf", "inf": return .infinity
        case "-Inf", "-inf": return -.infinity
        default: return Double(s)
        }
    }
}

import Foundation
