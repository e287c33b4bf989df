/// What a request name's streams received (`vu.http.sse`, gRPC streaming calls).
public struct StreamStats: Codable, Sendable {
    /// `stream_messages`: events or messages received.
    public var messages: Int
    /// `stream_first_message`: from the intended start to each stream's first message.
    public var firstMessage: TrendStats
    /// `stream_message_gap`: between consecutive messages of a stream.
    public var messageGap: TrendStats
}

/// A request name's LLM calls (`vu.openai(…)`): token timing, token counts and goodput. Times
/// are in ms; token counts are the server's own (`usage`) where it sent them (see the docs on
/// token counting).
public struct LLMStats: Codable, Sendable {
    public var calls: Int
    /// `llm_ttft`: time to first token (streamed calls).
    public var ttft: TrendStats
    /// `llm_ttfot`: time to the first answer token, after any reasoning.
    public var ttfot: TrendStats
    /// `llm_itl`: inter-token latency, one sample per token.
    public var itl: TrendStats
    /// `llm_tpot`: time per output token after the first, one sample per call.
    public var tpot: TrendStats
    /// `llm_e2e`: end to end, successful calls.
    public var e2e: TrendStats
    /// `llm_output_tokens_per_second`: each call's output tokens over its end-to-end time
    /// (tokens/s, not ms).
    public var outputTokensPerSecond: TrendStats
    public var inputTokens: Int
    public var outputTokens: Int
    /// Output tokens per second of the run, all calls together.
    public var outputTokenRate: Double
    /// `llm_goodput`: calls that met every goodput SLO, and those per second.
    public var goodCalls: Int
    public var goodput: Double
}

extension StreamMetrics {
    func trendStats(_ t: StreamTrend) -> TrendStats { TrendStats(histogram(t) ?? LatencyHistogram.latency()) }

    /// The stream part of a name's row; nil when its calls received no messages.
    var streamStats: StreamStats? {
        guard messages > 0 else { return nil }
        return StreamStats(messages: messages, firstMessage: trendStats(.firstMessage), messageGap: trendStats(.messageGap))
    }

    /// The LLM part of a name's row; nil when it made no LLM call.
    func llmStats(elapsedSeconds: Double) -> LLMStats? {
        guard llmCalls > 0 else { return nil }
        let per = { (n: Int) in elapsedSeconds > 0 ? Double(n) / elapsedSeconds : 0 }
        return LLMStats(calls: llmCalls, ttft: trendStats(.ttft), ttfot: trendStats(.ttfot), itl: trendStats(.itl),
                        tpot: trendStats(.tpot), e2e: trendStats(.e2e), outputTokensPerSecond: trendStats(.outputTokensPerSecond),
                        inputTokens: inputTokens, outputTokens: outputTokens, outputTokenRate: per(outputTokens),
                        goodCalls: goodCalls, goodput: per(goodCalls))
    }
}

/// A series' stream counts in a result file, so merged results add up exactly.
public struct SeriesStreamCounts: Codable, Sendable {
    public var messages: Int
    public var llmCalls: Int
    public var inputTokens: Int
    public var outputTokens: Int
    public var goodCalls: Int
}

/// One second of LLM calls, all names together.
public struct LLMPoint: Codable, Sendable {
    public var calls: Int
    public var outputTokens: Int
    public var goodCalls: Int
    /// `llm_ttft` and `llm_itl` percentiles in this second (ms; 0 when none).
    public var ttftP50: Double
    public var ttftP99: Double
    public var itlP50: Double
    public var itlP99: Double
}
