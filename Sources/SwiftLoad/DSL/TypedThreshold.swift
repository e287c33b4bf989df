/// A threshold written in Swift rather than in the string grammar, so a misspelt metric, filter
/// or aggregation is a compile error; it becomes the threshold the string would.
///
///     static let options = Options(
///         scenarios: …,
///         thresholds: .typed(
///             .duration(name: "infer").p(99) < .milliseconds(50),
///             .failed().rate < 0.01,
///             .ttft(name: "chat").p(90) < .milliseconds(500),
///             .droppedIterations().count == 0))
///
/// Both forms mix: `thresholds: .typed(…).merging(["checks": "rate > 0.99"]) { $0 + $1 }`.
public struct TypedThreshold: Sendable, Equatable {
    /// The metric key and condition, as the string grammar writes them.
    public let key: String
    public let condition: String
}

/// A metric (with its filters) a typed threshold judges; `.p(99)`, `.avg`, `.rate`, `.count` …
/// pick the aggregate compared.
public struct ThresholdMetric: Sendable {
    let key: String

    init(_ metric: MetricName, _ filters: [(String, String?)]) {
        let parts = filters.compactMap { k, v in v.map { "\(k):\($0)" } }
        key = parts.isEmpty ? metric.rawValue : "\(metric.rawValue){\(parts.joined(separator: ","))}"
    }

    public func p(_ percentile: Double) -> ThresholdAggregate { ThresholdAggregate(key, "p(\(Threshold.Aggregation.format(percentile)))") }
    public var avg: ThresholdAggregate { ThresholdAggregate(key, "avg") }
    public var med: ThresholdAggregate { ThresholdAggregate(key, "med") }
    public var min: ThresholdAggregate { ThresholdAggregate(key, "min") }
    public var max: ThresholdAggregate { ThresholdAggregate(key, "max") }
    /// A rate's fraction, or a counter's count per second.
    public var rate: ThresholdAggregate { ThresholdAggregate(key, "rate") }
    public var count: ThresholdAggregate { ThresholdAggregate(key, "count") }
}

/// An aggregate of a metric, compared with a duration (trends), a fraction (rates) or a number
/// (counts, tokens per second) to make a `TypedThreshold`.
public struct ThresholdAggregate: Sendable {
    let key: String, text: String
    init(_ key: String, _ text: String) { self.key = key; self.text = text }

    private func make(_ op: String, _ bound: String) -> TypedThreshold { TypedThreshold(key: key, condition: "\(text) \(op) \(bound)") }
    /// `50ms`, `1s`, `500500us`: the largest unit that keeps the value whole.
    private static func text(_ d: Duration) -> String {
        let us = Double(d.components.seconds) * 1e6 + Double(d.components.attoseconds) / 1e12
        if us == us.rounded() && us.truncatingRemainder(dividingBy: 1e6) == 0 { return NumberText.plain(us / 1e6) + "s" }
        if us == us.rounded() && us.truncatingRemainder(dividingBy: 1e3) == 0 { return NumberText.plain(us / 1e3) + "ms" }
        return NumberText.plain(us) + "us"
    }

    public static func < (a: Self, d: Duration) -> TypedThreshold { a.make("<", text(d)) }
    public static func <= (a: Self, d: Duration) -> TypedThreshold { a.make("<=", text(d)) }
    public static func > (a: Self, d: Duration) -> TypedThreshold { a.make(">", text(d)) }
    public static func >= (a: Self, d: Duration) -> TypedThreshold { a.make(">=", text(d)) }
    public static func < (a: Self, v: Double) -> TypedThreshold { a.make("<", NumberText.plain(v)) }
    public static func <= (a: Self, v: Double) -> TypedThreshold { a.make("<=", NumberText.plain(v)) }
    public static func > (a: Self, v: Double) -> TypedThreshold { a.make(">", NumberText.plain(v)) }
    public static func >= (a: Self, v: Double) -> TypedThreshold { a.make(">=", NumberText.plain(v)) }
    public static func == (a: Self, v: Int) -> TypedThreshold { a.make("==", String(v)) }

    // The metrics, found here because Swift looks up `.duration(…)` in the type the whole
    // expression `.duration(…).p(99) < …` starts from.

    /// `http_req_duration`.
    public static func duration(name: String? = nil, group: String? = nil, scenario: String? = nil) -> ThresholdMetric {
        ThresholdMetric(.httpReqDuration, [("name", name), ("group", group), ("scenario", scenario)])
    }
    /// `http_req_service_time`.
    public static func serviceTime(name: String? = nil, scenario: String? = nil) -> ThresholdMetric {
        ThresholdMetric(.httpReqServiceTime, [("name", name), ("scenario", scenario)])
    }
    /// `http_req_waiting` (time to first byte).
    public static func waiting(name: String? = nil, scenario: String? = nil) -> ThresholdMetric {
        ThresholdMetric(.httpReqWaiting, [("name", name), ("scenario", scenario)])
    }
    /// `http_req_failed` (`.rate`).
    public static func failed(name: String? = nil, scenario: String? = nil) -> ThresholdMetric {
        ThresholdMetric(.httpReqFailed, [("name", name), ("scenario", scenario)])
    }
    /// `checks` (`.rate`), all or one.
    public static func checks(_ check: String? = nil) -> ThresholdMetric { ThresholdMetric(.checks, [("check", check)]) }
    /// `http_reqs` (`.count`, `.rate`).
    public static func requests(name: String? = nil, status: Int? = nil) -> ThresholdMetric {
        ThresholdMetric(.httpReqs, [("name", name), ("status", status.map(String.init))])
    }
    /// `iterations`, `dropped_iterations`, `iteration_duration`, `iteration_start_lag`.
    public static func iterations(scenario: String? = nil) -> ThresholdMetric { ThresholdMetric(.iterations, [("scenario", scenario)]) }
    public static func droppedIterations(scenario: String? = nil) -> ThresholdMetric { ThresholdMetric(.droppedIterations, [("scenario", scenario)]) }
    public static func iterationDuration(scenario: String? = nil) -> ThresholdMetric { ThresholdMetric(.iterationDuration, [("scenario", scenario)]) }
    public static func iterationStartLag(scenario: String? = nil) -> ThresholdMetric { ThresholdMetric(.iterationStartLag, [("scenario", scenario)]) }
    /// LLM calls: `llm_ttft`, `llm_ttfot`, `llm_itl`, `llm_tpot`, `llm_e2e`,
    /// `llm_output_tokens_per_second` (a plain number), `llm_goodput`, `llm_output_tokens`.
    public static func ttft(name: String? = nil) -> ThresholdMetric { ThresholdMetric(.llmTTFT, [("name", name)]) }
    public static func ttfot(name: String? = nil) -> ThresholdMetric { ThresholdMetric(.llmTTFOT, [("name", name)]) }
    public static func itl(name: String? = nil) -> ThresholdMetric { ThresholdMetric(.llmITL, [("name", name)]) }
    public static func tpot(name: String? = nil) -> ThresholdMetric { ThresholdMetric(.llmTPOT, [("name", name)]) }
    public static func e2e(name: String? = nil) -> ThresholdMetric { ThresholdMetric(.llmE2E, [("name", name)]) }
    public static func outputTokensPerSecond(name: String? = nil) -> ThresholdMetric { ThresholdMetric(.llmOutputTokensPerSecond, [("name", name)]) }
    public static func goodput(name: String? = nil) -> ThresholdMetric { ThresholdMetric(.llmGoodput, [("name", name)]) }
    public static func outputTokens(name: String? = nil) -> ThresholdMetric { ThresholdMetric(.llmOutputTokens, [("name", name)]) }
    /// Streams: `stream_first_message`, `stream_message_gap`.
    public static func firstMessage(name: String? = nil) -> ThresholdMetric { ThresholdMetric(.streamFirstMessage, [("name", name)]) }
    public static func messageGap(name: String? = nil) -> ThresholdMetric { ThresholdMetric(.streamMessageGap, [("name", name)]) }
}

extension Dictionary where Key == String, Value == ThresholdSet {
    /// Thresholds written in Swift (see `TypedThreshold`), keyed as the string form keys them.
    public static func typed(_ items: TypedThreshold...) -> [String: ThresholdSet] {
        var out: [String: ThresholdSet] = [:]
        for t in items { out[t.key, default: ThresholdSet([])].expressions.append(t.condition) }
        return out
    }
}

/// Numbers written so the threshold parser reads them back exactly.
enum NumberText {
    static func plain(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : String(v)
    }
}
