/// What an OpenAI-compatible call returns: the answer, how it was timed, and the HTTP response.
///
/// Times run from the call's intended start, as `http_req_duration` does (in open models an
/// iteration's first call carries the iteration's start lag). A call counts as failed when its
/// request did, or when the server sent an error in the stream or no completion at all (`error`).
public struct LLMResponse: Sendable {
    /// The request as every request is (status, headers, timings; the body unless streamed).
    public let response: Response
    /// The answer text (streamed chunks joined).
    public let text: String
    /// Reasoning text a reasoning model streamed before its answer (`reasoning_content`).
    public let reasoning: String
    /// `stop`, `length`, … as the server reported it.
    public let finishReason: String?
    /// The server's token counts (`stream_options.include_usage` asks for them when streaming).
    public let usage: TokenUsage?
    /// Output tokens as the metrics counted them (see `TokenTiming` for how).
    public let outputTokens: Int
    /// Chunks that carried text.
    public let chunks: Int
    public let timeToFirstToken: Duration?
    /// To the first answer token, after any reasoning.
    public let timeToFirstOutputToken: Duration?
    /// (last token − first token) / (output tokens − 1); nil below two tokens or unstreamed.
    public let timePerOutputToken: Duration?
    public let endToEnd: Duration
    /// Whether the call met every goodput SLO (`Options.goodput`, `--goodput`).
    public let metGoodputSLO: Bool
    /// Why the call failed: its request's error, or what the stream said.
    public let error: String?

    /// True when the call succeeded.
    public var ok: Bool { error == nil }

    init(response: Response, account a: LLMCallAccount) {
        self.response = response
        text = a.text
        reasoning = a.reasoning
        finishReason = a.finishReason
        usage = a.usage
        outputTokens = a.timing?.outputTokens ?? 0
        chunks = a.chunks.filter(\.hasText).count
        timeToFirstToken = a.ttftNs.map { Duration(nanoseconds: $0) }
        timeToFirstOutputToken = a.ttfotNs.map { Duration(nanoseconds: $0) }
        timePerOutputToken = a.timing?.tpotNs.map { Duration(nanoseconds: $0) }
        endToEnd = Duration(nanoseconds: a.e2eNs)
        metGoodputSLO = a.met
        error = response.error?.message ?? a.streamError
    }
}
