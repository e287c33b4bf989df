/// A parsed threshold: a metric, optional tag filters and one condition on an aggregate of it.
///
/// Grammar (one parser for scripts and `--threshold`):
///
///     threshold   = metric [ "{" filter { "," filter } "}" ] ":" condition     (CLI form)
///     metric key  = metric [ "{" filter { "," filter } "}" ]                    (script key)
///     filter      = tag ":" value
///     condition   = aggregation operator number [ unit ] [ abort ]
///     abort       = "abortOnFail" [ "(" duration ")" ]     (stop the run when it fails; the
///                                                           duration delays the first check)
///     aggregation = "avg" | "min" | "med" | "max" | "count" | "rate" | "p(" number ")"
///     server key  = "server:" series     (a series `--scrape` collected, named as in the report:
///                                         `rate(x_total{…})`, `x{…}`, `histogram_quantile(0.99, x{…})`;
///                                         aggregations over its per-second values, a plain
///                                         number as the bound; `count` and `rate` of a counter
///                                         are its growth over the run and that per second)
///     operator    = "<" | "<=" | ">" | ">=" | "==" | "!="
///     unit        = "us" | "µs" | "ms" | "s" | "m"   (durations; a bare number means ms)
///                 | "%"                              (rates; a bare number is a fraction)
///
/// Examples: `http_req_duration{name:home}: p(99) < 200ms`, `http_req_failed: rate < 1%`,
/// `checks: rate > 0.99`, `dropped_iterations: count == 0`, `grpc_reqs{status:UNAVAILABLE}: count == 0`,
/// `http_req_duration: p(99) < 50ms abortOnFail(10s)`,
/// `server:mlserver_queue_size: max < 10`, `server:rate(model_infer_request_failure_total{model="iris"}): max == 0`.
public struct Threshold: Sendable, Equatable, CustomStringConvertible {
    public var metric: MetricName
    public var filters: [TagFilter]
    public var aggregation: Aggregation
    public var comparison: Comparison
    /// The bound in the metric's unit: milliseconds for durations, a fraction for rates.
    public var bound: Double
    /// The condition as the user wrote it.
    public var source: String
    /// Stop the run as soon as the live evaluation (once a second) finds it failed, as k6's
    /// `abortOnFail`; the run then exits with 99 and still writes every report.
    public var abortOnFail = false
    /// Seconds into the run before an `abortOnFail` threshold is first checked, so a few early
    /// samples cannot stop it (k6's `delayAbortEval`).
    public var abortDelaySeconds: Double = 0
    /// The scraped series a `server:` threshold judges.
    public var serverSeries: String? = nil

    /// `metric{tag:value,…}` as written in reports.
    public var metricKey: String {
        if let s = serverSeries { return "server:\(s)" }
        return filters.isEmpty ? metric.rawValue
            : "\(metric.rawValue){\(filters.map { "\($0.tag):\($0.value)" }.joined(separator: ","))}"
    }

    public var description: String { "\(metricKey): \(source)" }

    public struct TagFilter: Sendable, Equatable {
        public var tag: String
        public var value: String
    }

    public enum Aggregation: Sendable, Equatable, CustomStringConvertible {
        case avg, min, med, max, count, rate
        case percentile(Double)

        public var description: String {
            switch self {
            case .avg: return "avg"
            case .min: return "min"
            case .med: return "med"
            case .max: return "max"
            case .count: return "count"
            case .rate: return "rate"
            case .percentile(let p): return "p(\(Self.format(p)))"
            }
        }

        static func format(_ p: Double) -> String {
            p == p.rounded() ? String(Int(p)) : String(p)
        }
    }

    public enum Comparison: String, Sendable, Equatable, CaseIterable {
        case less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">=", equal = "==", notEqual = "!="

        func holds(_ a: Double, _ b: Double) -> Bool {
            switch self {
            case .less: return a < b
            case .lessOrEqual: return a <= b
            case .greater: return a > b
            case .greaterOrEqual: return a >= b
            case .equal: return a == b
            case .notEqual: return a != b
            }
        }
    }
}

/// The metrics thresholds can address, by kind.
public enum MetricName: String, Sendable, CaseIterable {
    // Durations of requests (trends, milliseconds), filterable by request name.
    case httpReqDuration = "http_req_duration"
    case httpReqServiceTime = "http_req_service_time"
    case httpReqBlocked = "http_req_blocked"
    case httpReqConnecting = "http_req_connecting"
    case httpReqTLSHandshaking = "http_req_tls_handshaking"
    case httpReqWaiting = "http_req_waiting"
    case httpReqReceiving = "http_req_receiving"
    /// Iteration durations (trend), filterable by scenario.
    case iterationDuration = "iteration_duration"
    /// Open models: how late iterations started against their schedule (trend), by scenario.
    case iterationStartLag = "iteration_start_lag"
    /// Group durations (trend), filterable by group and scenario.
    case groupDuration = "group_duration"
    // Streams and LLM calls (trends), filterable as requests are: see `StreamTrend`.
    case streamFirstMessage = "stream_first_message"
    case streamMessageGap = "stream_message_gap"
    case llmTTFT = "llm_ttft"
    case llmTTFOT = "llm_ttfot"
    case llmITL = "llm_itl"
    case llmTPOT = "llm_tpot"
    case llmE2E = "llm_e2e"
    /// Output tokens per second of each call (a trend of plain numbers, not durations).
    case llmOutputTokensPerSecond = "llm_output_tokens_per_second"
    // Rates (fractions).
    case httpReqFailed = "http_req_failed"
    case checks = "checks"
    // Counters (count, or rate per second).
    case httpReqs = "http_reqs"
    /// gRPC calls, filterable by `status` (a code name such as `UNAVAILABLE`, or its number).
    case grpcReqs = "grpc_reqs"
    case iterations = "iterations"
    case droppedIterations = "dropped_iterations"
    case interruptedIterations = "interrupted_iterations"
    case failedIterations = "failed_iterations"
    case dataReceived = "data_received"
    case dataSent = "data_sent"
    /// Messages received over streams (SSE events, gRPC messages).
    case streamMessages = "stream_messages"
    /// Prompt and output tokens of LLM calls, as the server counted them (see `TokenTiming`).
    case llmInputTokens = "llm_input_tokens"
    case llmOutputTokens = "llm_output_tokens"
    /// LLM calls that met every goodput SLO; its `rate` is goodput in requests per second.
    case llmGoodput = "llm_goodput"
    /// A series scraped from the server (`--scrape`), written `server:<series>`.
    case server = "server"

    public enum Kind: Sendable { case trend, rate, counter, server }

    public var kind: Kind {
        switch self {
        case .httpReqDuration, .httpReqServiceTime, .httpReqBlocked, .httpReqConnecting,
             .httpReqTLSHandshaking, .httpReqWaiting, .httpReqReceiving, .iterationDuration, .iterationStartLag,
             .groupDuration, .streamFirstMessage, .streamMessageGap, .llmTTFT, .llmTTFOT, .llmITL, .llmTPOT, .llmE2E,
             .llmOutputTokensPerSecond:
            return .trend
        case .httpReqFailed, .checks:
            return .rate
        case .httpReqs, .grpcReqs, .iterations, .droppedIterations, .interruptedIterations, .failedIterations,
             .dataReceived, .dataSent, .streamMessages, .llmInputTokens, .llmOutputTokens, .llmGoodput:
            return .counter
        case .server:
            return .server
        }
    }

    /// The stream trend behind this metric, if it is one.
    var streamTrend: StreamTrend? { StreamTrend(rawValue: rawValue) }

    /// False for trends of plain numbers (tokens per second): their bounds take no time unit.
    var isDuration: Bool { streamTrend?.isDuration ?? true }

    /// Whether this metric can be filtered by `tag`. Request metrics take `name`, `group`,
    /// `scenario` and any custom tag (`status` too for `http_reqs`); checks `check`, `group` and
    /// `scenario`; iteration counters `scenario`; group durations `group` and `scenario`.
    func accepts(tag: String) -> Bool {
        switch self {
        case .iterationDuration, .iterationStartLag, .iterations, .droppedIterations, .interruptedIterations,
             .failedIterations:
            return tag == "scenario"
        case .groupDuration:
            return tag == "group" || tag == "scenario"
        case .checks:
            return tag == "check" || tag == "group" || tag == "scenario"
        case .httpReqs, .grpcReqs:
            return tag != "check"
        default:
            return tag != "check" && tag != "status"
        }
    }

    /// How to say what the filters are, for an error.
    var filterHelp: String {
        switch self {
        case .iterationDuration, .iterationStartLag, .iterations, .droppedIterations, .interruptedIterations,
             .failedIterations: return "scenario"
        case .groupDuration: return "group, scenario"
        case .checks: return "check, group, scenario"
        case .httpReqs: return "name, group, scenario, status or a tag of yours"
        case .grpcReqs: return "name, group, scenario, status (UNAVAILABLE, 14, …) or a tag of yours"
        default: return "name, group, scenario or a tag of yours"
        }
    }

    /// The aggregations that make sense for this metric.
    var allowsAggregation: (Threshold.Aggregation) -> Bool {
        switch kind {
        case .trend: return { if case .rate = $0 { return false }; return true }
        case .rate: return { $0 == .rate }
        case .counter: return { $0 == .count || $0 == .rate }
        case .server: return { _ in true }
        }
    }
}
