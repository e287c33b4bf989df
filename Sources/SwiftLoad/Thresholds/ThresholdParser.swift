/// A threshold that does not parse: the message points at the column where it went wrong.
public struct ThresholdSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    public var input: String
    /// 1-based column in `input`.
    public var column: Int
    public var reason: String

    public var description: String {
        "threshold \"\(input)\": \(reason) at column \(column)"
    }
}

/// Parses thresholds. See `Threshold` for the grammar.
public enum ThresholdParser {
    /// Parses the CLI form `metric{filters}:condition`.
    public static func parse(_ text: String) throws(ThresholdSyntaxError) -> Threshold {
        let chars = Array(text)
        // The metric key ends at the first ':' outside braces; a server series may hold colons
        // of its own (`server:job:rate5m`), so there it is the last one outside braces and quotes.
        let server = text.trimmingSpaces().hasPrefix(serverPrefix)
        var depth = 0
        var quoted = false
        var split: Int?
        for (i, c) in chars.enumerated() {
            if quoted {
                if c == "\"" && (i == 0 || chars[i - 1] != "\\") { quoted = false }
            } else if c == "\"" {
                quoted = true
            } else if c == "{" { depth += 1 } else if c == "}" { depth -= 1 } else if c == ":" && depth == 0 {
                split = i
                if !server { break }
            }
        }
        if server, let s = split, String(chars[..<s]).trimmingSpaces() == serverPrefix.dropLast() { split = nil }
        guard let split else {
            throw ThresholdSyntaxError(input: text, column: chars.count + 1,
                                       reason: "expected ':' between the metric and the condition")
        }
        return try parse(metricKey: String(chars[..<split]), condition: String(chars[(split + 1)...]),
                         fullInput: text, conditionOffset: split + 1)
    }

    /// Parses a script threshold: the dictionary key and one of its expressions.
    public static func parse(metricKey: String, condition: String) throws(ThresholdSyntaxError) -> Threshold {
        try parse(metricKey: metricKey, condition: condition, fullInput: nil, conditionOffset: 0)
    }

    /// How a threshold key names a scraped server series.
    static let serverPrefix = "server:"

    private static func parse(metricKey: String, condition: String, fullInput: String?,
                              conditionOffset: Int) throws(ThresholdSyntaxError) -> Threshold {
        var serverSeries: String?
        let trimmedKey = metricKey.trimmingSpaces()
        if trimmedKey.hasPrefix(serverPrefix) {
            let series = String(trimmedKey.dropFirst(serverPrefix.count)).trimmingSpaces()
            guard !series.isEmpty else {
                throw ThresholdSyntaxError(input: fullInput ?? metricKey, column: 1,
                                           reason: "expected a scraped series after server:, as in server:rate(x_total)")
            }
            serverSeries = series
        }
        let (metric, filters) = serverSeries != nil ? (MetricName.server, []) : try parseKey(metricKey, fullInput: fullInput)
        var scanner = Scanner(text: condition, reportAs: fullInput ?? condition,
                              offset: fullInput == nil ? 0 : conditionOffset)
        let aggregation = try scanner.aggregation()
        guard metric.allowsAggregation(aggregation) else {
            throw scanner.error("\(aggregation) does not apply to \(metric.rawValue) (a \(metric.kind) metric)", at: 0)
        }
        let comparison = try scanner.comparison()
        let bound = try scanner.bound(kind: metric.kind, aggregation: aggregation, duration: metric.isDuration)
        let abort = try scanner.abortOnFail()
        scanner.skipSpaces()
        if !scanner.atEnd { throw scanner.error("unexpected \"\(scanner.rest)\"") }
        if let status = filters.first(where: { $0.tag == "status" }) {
            if metric == .grpcReqs, GRPCStatusCode(text: status.value) == nil {
                throw ThresholdSyntaxError(input: fullInput ?? metricKey, column: 1,
                    reason: "unknown gRPC status \"\(status.value)\" (use a code name such as UNAVAILABLE, or a number 0-16)")
            }
            if metric == .httpReqs, Int(status.value) == nil {
                throw ThresholdSyntaxError(input: fullInput ?? metricKey, column: 1,
                    reason: "an HTTP status filter takes a number, not \"\(status.value)\"")
            }
        }
        var t = Threshold(metric: metric, filters: filters, aggregation: aggregation, comparison: comparison,
                          bound: bound, source: condition.trimmingSpaces())
        t.serverSeries = serverSeries
        if let abort {
            t.abortOnFail = true
            t.abortDelaySeconds = abort
        }
        return t
    }

    private static func parseKey(_ key: String, fullInput: String?) throws(ThresholdSyntaxError) -> (MetricName, [Threshold.TagFilter]) {
        let input = fullInput ?? key
        let trimmed = key.trimmingSpaces()
        let lead = key.prefix { $0 == " " || $0 == "\t" }.count
        let nameEnd = trimmed.firstIndex(of: "{") ?? trimmed.endIndex
        let name = String(trimmed[..<nameEnd]).trimmingSpaces()
        guard let metric = MetricName(rawValue: name), metric != .server else {
            let known = MetricName.allCases.filter { $0 != .server }.map(\.rawValue).joined(separator: ", ") + ", server:<scraped series>"
            throw ThresholdSyntaxError(input: input, column: lead + 1,
                                       reason: name.isEmpty ? "missing metric name" : "unknown metric \"\(name)\" (known: \(known))")
        }
        guard nameEnd < trimmed.endIndex else { return (metric, []) }
        let braceColumn = lead + trimmed.distance(from: trimmed.startIndex, to: nameEnd) + 1
        guard trimmed.hasSuffix("}") else {
            throw ThresholdSyntaxError(input: input, column: lead + trimmed.count + 1, reason: "expected '}' to close the filter")
        }
        let body = trimmed[trimmed.index(after: nameEnd)..<trimmed.index(before: trimmed.endIndex)]
        var filters: [Threshold.TagFilter] = []
        var column = braceColumn + 1
        for part in body.split(separator: ",", omittingEmptySubsequences: false) {
            guard let colon = part.firstIndex(of: ":") else {
                throw ThresholdSyntaxError(input: input, column: column, reason: "expected tag:value in the filter")
            }
            let tag = String(part[..<colon]).trimmingSpaces()
            var value = String(part[part.index(after: colon)...]).trimmingSpaces()
            // k6 writes group paths with a leading "::" (`group:::checkout::pay`); ours have none.
            if tag == "group", value.hasPrefix("::") { value.removeFirst(2) }
            guard metric.accepts(tag: tag), ExecutionPlan.isValidName(tag) else {
                throw ThresholdSyntaxError(input: input, column: column,
                    reason: "\(metric.rawValue) cannot be filtered by \"\(tag)\" (use \(metric.filterHelp))")
            }
            guard !value.contains("{") && !value.contains("}") && !tag.contains("{") && !tag.contains("}") else {
                throw ThresholdSyntaxError(input: input, column: column, reason: "unexpected '{' or '}' inside the filter")
            }
            guard !value.isEmpty else {
                throw ThresholdSyntaxError(input: input, column: column, reason: "empty value for tag \"\(tag)\"")
            }
            filters.append(Threshold.TagFilter(tag: tag, value: value))
            column += part.count + 1
        }
        return (metric, filters)
    }

    /// Reads a condition left to right, tracking the column for errors.
    private struct Scanner {
        let chars: [Character]
        let reportAs: String
        let offset: Int
        var i = 0

        init(text: String, reportAs: String, offset: Int) {
            chars = Array(text)
            self.reportAs = reportAs
            self.offset = offset
        }

        var atEnd: Bool { i >= chars.count }
        var rest: String { String(chars[i...]) }

        func error(_ reason: String, at index: Int? = nil) -> ThresholdSyntaxError {
            ThresholdSyntaxError(input: reportAs, column: offset + (index ?? i) + 1, reason: reason)
        }

        mutating func skipSpaces() {
            while i < chars.count, chars[i] == " " || chars[i] == "\t" { i += 1 }
        }

        mutating func word() -> String {
            var w = ""
            while i < chars.count, chars[i].isLetter { w.append(chars[i]); i += 1 }
            return w
        }

        mutating func aggregation() throws(ThresholdSyntaxError) -> Threshold.Aggregation {
            skipSpaces()
            let start = i
            let w = word()
            switch w {
            case "avg": return .avg
            case "min": return .min
            case "med": return .med
            case "max": return .max
            case "count": return .count
            case "rate": return .rate
            case "p":
                guard i < chars.count, chars[i] == "(" else { throw error("expected '(' after p, as in p(99)") }
                i += 1
                skipSpaces()
                let numStart = i
                guard let p = number() else { throw error("expected a percentile between 0 and 100") }
                guard p >= 0 && p <= 100 else { throw error("percentile must be between 0 and 100", at: numStart) }
                skipSpaces()
                guard i < chars.count, chars[i] == ")" else { throw error("expected ')' to close p(…)") }
                i += 1
                return .percentile(p)
            case "":
                throw error(atEnd ? "missing condition (e.g. p(99) < 200ms)" : "expected an aggregation (avg, min, med, max, count, rate or p(N))", at: start)
            default:
                throw error("unknown aggregation \"\(w)\" (use avg, min, med, max, count, rate or p(N))", at: start)
            }
        }

        mutating func comparison() throws(ThresholdSyntaxError) -> Threshold.Comparison {
            skipSpaces()
            var op = ""
            while i < chars.count, "<>=!".contains(chars[i]) { op.append(chars[i]); i += 1 }
            guard let c = Threshold.Comparison(rawValue: op) else {
                throw error(op.isEmpty ? "expected a comparison (<, <=, >, >=, ==, !=)" : "unknown comparison \"\(op)\"",
                            at: i - op.count)
            }
            return c
        }

        mutating func number() -> Double? {
            let start = i
            if i < chars.count, chars[i] == "-" || chars[i] == "+" { i += 1 }
            while i < chars.count, chars[i].isASCII, chars[i].isNumber || chars[i] == "." { i += 1 }
            guard i > start, let v = Double(String(chars[start..<i])), v.isFinite else { i = start; return nil }
            return v
        }

        /// `abortOnFail` or `abortOnFail(10s)`: the delay in seconds, nil when absent.
        mutating func abortOnFail() throws(ThresholdSyntaxError) -> Double? {
            skipSpaces()
            guard !atEnd else { return nil }
            let start = i
            let w = word()
            guard w == "abortOnFail" else {
                i = start
                throw error(w.isEmpty ? "unexpected \"\(rest)\"" : "unexpected \"\(w)\" (only abortOnFail may follow the bound)")
            }
            skipSpaces()
            guard i < chars.count, chars[i] == "(" else { return 0 }
            i += 1
            skipSpaces()
            let numberStart = i
            guard let v = number(), v >= 0 else { throw error("expected a delay such as 10s in abortOnFail(…)", at: numberStart) }
            let unitStart = i
            let unit = word()
            let seconds: Double
            switch unit {
            case "ms": seconds = v / 1000
            case "s": seconds = v
            case "m": seconds = v * 60
            default: throw error(unit.isEmpty ? "the abortOnFail delay needs a unit (ms, s or m)" : "unknown unit \"\(unit)\" (use ms, s or m)", at: unitStart)
            }
            skipSpaces()
            guard i < chars.count, chars[i] == ")" else { throw error("expected ')' to close abortOnFail(…)") }
            i += 1
            return seconds
        }

        mutating func bound(kind: MetricName.Kind, aggregation: Threshold.Aggregation,
                            duration: Bool = true) throws(ThresholdSyntaxError) -> Double {
            skipSpaces()
            guard let v = number() else { throw error("expected a number") }
            let unitStart = i
            var unit = ""
            while i < chars.count, chars[i].isLetter || chars[i] == "%" { unit.append(chars[i]); i += 1 }
            let isDuration = kind == .trend && duration && aggregation != .count
            if isDuration {
                switch unit {
                case "", "ms": return v
                case "us", "µs": return v / 1000
                case "s": return v * 1000
                case "m": return v * 60_000
                default: throw error("unknown unit \"\(unit)\" (use us, ms, s or m)", at: unitStart)
                }
            }
            if kind == .rate && aggregation == .rate {
                switch unit {
                case "": return v
                case "%": return v / 100
                default: throw error("a rate takes a fraction or a percentage, not \"\(unit)\"", at: unitStart)
                }
            }
            guard unit.isEmpty else { throw error("\(aggregation) takes a plain number, not \"\(unit)\"", at: unitStart) }
            return v
        }
    }
}
