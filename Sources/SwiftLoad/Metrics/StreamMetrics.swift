/// What streaming calls add to a series, created only for series that stream: the timing of
/// each stream's messages (server-sent events, gRPC messages) and, for LLM calls, token timing,
/// token counts and goodput.
///
/// Kept apart from `RequestMetrics` so the many series of an ordinary run carry one nil pointer
/// for it, and a streaming series only the histograms its calls filled.
final class StreamMetrics {
    /// Histograms by metric, created on first use (durations in µs; `llm_output_tokens_per_second`
    /// in thousandths of a token per second, so the reports' µs → ms step yields tokens/s).
    private(set) var trends: [StreamTrend: LatencyHistogram] = [:]
    /// Messages (events, gRPC messages) received over all streams (`stream_messages`).
    var messages = 0
    /// LLM calls recorded (successful or not).
    var llmCalls = 0
    var inputTokens = 0
    var outputTokens = 0
    /// LLM calls that succeeded and met every goodput SLO (`llm_goodput`).
    var goodCalls = 0

    init() {}

    /// Records `count` samples of `ns` nanoseconds.
    @inline(__always)
    func record(_ trend: StreamTrend, nanoseconds ns: UInt64, count: UInt64 = 1) {
        guard count > 0 else { return }
        let us = min((ns &+ 500) / 1_000, LatencyHistogram.highestMicroseconds)
        if trends[trend] == nil { trends[trend] = LatencyHistogram.latency() }
        if us > trends[trend]!.highestTrackableValue { trends[trend]!.grow(toCover: us) }
        _ = trends[trend]!.record(us, count: count)
    }

    /// Records a plain value (tokens per second): kept in thousandths.
    func record(_ trend: StreamTrend, value: Double) {
        guard value.isFinite, value >= 0 else { return }
        record(trend, nanoseconds: UInt64(min(value * 1_000_000, 3.6e15)))
    }

    func histogram(_ trend: StreamTrend) -> LatencyHistogram? { trends[trend] }

    /// A histogram read back from a result file (`RecorderRestore`).
    func restore(_ trend: StreamTrend, _ h: LatencyHistogram) {
        if trends[trend] == nil { trends[trend] = LatencyHistogram.latency() }
        trends[trend]!.merge(h)
    }

    func merge(_ o: StreamMetrics) {
        for (t, h) in o.trends { restore(t, h) }
        messages += o.messages
        llmCalls += o.llmCalls
        inputTokens += o.inputTokens
        outputTokens += o.outputTokens
        goodCalls += o.goodCalls
    }
}

/// The trends streaming calls record, by the name thresholds and reports use.
public enum StreamTrend: String, CaseIterable, Codable, Sendable {
    /// From the intended start to the first message of a stream (SSE event, gRPC message).
    case firstMessage = "stream_first_message"
    /// Between consecutive messages of a stream.
    case messageGap = "stream_message_gap"
    /// Time to first token: from the intended start to the first chunk carrying text
    /// (reasoning included).
    case ttft = "llm_ttft"
    /// Time to first output token: to the first chunk of the answer itself (after any reasoning).
    case ttfot = "llm_ttfot"
    /// Inter-token latency, per token: a chunk carrying k tokens after a gap g counts k times g/k.
    case itl = "llm_itl"
    /// Time per output token after the first: (last token − first token) / (tokens − 1).
    case tpot = "llm_tpot"
    /// End to end: from the intended start to the last byte of the answer.
    case e2e = "llm_e2e"
    /// Output tokens per second of each call: output tokens / end-to-end time.
    case outputTokensPerSecond = "llm_output_tokens_per_second"

    /// False for the one trend that is not a duration.
    public var isDuration: Bool { self != .outputTokensPerSecond }
}
