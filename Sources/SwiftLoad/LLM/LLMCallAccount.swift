import Foundation

/// One OpenAI-compatible call, streamed or whole: reads each chunk as it arrives (answer text,
/// reasoning, usage, finish reason, an error the server streamed) and, when the call is recorded,
/// adds its token timing and counts to its series (`llm_*`) and, if it met the goodput SLOs,
/// one to `llm_goodput`.
final class LLMCallAccount: StreamAccount, @unchecked Sendable {
    // @unchecked: used by one VU, on its worker thread.
    let streaming: Bool
    private let slo: GoodputSLO
    let events: EventStreamCollector
    private(set) var chunks: [TokenTiming.Chunk] = []
    private(set) var text = ""
    private(set) var reasoning = ""
    private(set) var finishReason: String?
    private(set) var usage: TokenUsage?
    /// An `error` object the server sent in the stream (vLLM does so mid-stream), or a body that
    /// was not an answer.
    private(set) var streamError: String?
    // Worked out when the call is recorded.
    private(set) var timing: TokenTiming?
    private(set) var ttftNs: UInt64?
    private(set) var ttfotNs: UInt64?
    private(set) var e2eNs: UInt64 = 0
    private(set) var met = false

    init(streaming: Bool, slo: GoodputSLO, onEvent: ((SSEEvent) -> Void)?) {
        self.streaming = streaming
        self.slo = slo
        events = EventStreamCollector(start: MonotonicClock.now(), onEvent: nil)
        events.onEvent = { [unowned self] e in
            self.chunk(e)
            onEvent?(e)
        }
    }

    /// One streamed event: a chunk of the answer, `[DONE]`, or an error.
    private func chunk(_ e: SSEEvent) {
        let data = e.data
        if data == "[DONE]" || data.isEmpty { return }
        guard let a = OpenAIAnswer.parse(Data(data.utf8)) else { return }
        guard a.choices != nil || a.usage != nil else {
            if let m = a.error { streamError = m }
            return
        }
        let content = a.content, thought = a.reasoning
        text += content
        reasoning += thought
        if let f = a.finishReason { finishReason = f }
        if let u = a.usage { usage = u }
        let hasChoices = !(a.choices?.isEmpty ?? true)
        if hasChoices {
            chunks.append(TokenTiming.Chunk(at: events.arrivals.last ?? MonotonicClock.now(),
                                            hasText: !content.isEmpty || !thought.isEmpty, hasOutput: !content.isEmpty,
                                            cumulativeTokens: a.usage?.completionTokens))
        }
    }

    func account(into metrics: RequestMetrics, intendedStart: UInt64, endedAt: UInt64, failed: Bool, body: [UInt8]) {
        // A server that ignores `stream: true` answers whole: read it as such (no token timing).
        let whole = !streaming || (events.events.isEmpty && !failed && body.first == UInt8(ascii: "{"))
        if !whole {
            events.account(into: metrics, intendedStart: intendedStart, endedAt: endedAt, failed: failed, body: body)
        } else if !failed {
            readWhole(body)
        }
        let s = metrics.streamMetrics
        s.llmCalls += 1
        e2eNs = endedAt &- min(endedAt, intendedStart)
        guard !failed, streamError == nil else { return }
        if !whole && chunks.isEmpty && usage == nil {
            streamError = "the answer held no completion chunks"
            return
        }
        let t: TokenTiming
        if !whole {
            // The final usage chunk (choices empty) holds the call's count; per-chunk usage only
            // counts when every text chunk carried it.
            t = TokenTiming(chunks: chunks, finalOutputTokens: usage?.completionTokens)
        } else {
            t = TokenTiming(chunks: [], finalOutputTokens: usage?.completionTokens)
        }
        timing = t
        s.inputTokens += usage?.promptTokens ?? 0
        s.outputTokens += t.outputTokens
        s.record(.e2e, nanoseconds: e2eNs)
        if e2eNs > 0 { s.record(.outputTokensPerSecond, value: Double(t.outputTokens) / (Double(e2eNs) / 1e9)) }
        var tpot: UInt64?
        if !whole {
            if let f = t.firstToken {
                ttftNs = f &- min(f, intendedStart)
                s.record(.ttft, nanoseconds: ttftNs!)
            }
            if let f = t.firstOutputToken {
                ttfotNs = f &- min(f, intendedStart)
                s.record(.ttfot, nanoseconds: ttfotNs!)
            }
            for g in t.gaps { s.record(.itl, nanoseconds: g.ns, count: g.count) }
            tpot = t.tpotNs
            if let tpot { s.record(.tpot, nanoseconds: tpot) }
        }
        // A whole answer's first token arrives with its last.
        met = slo.met(ttftNs: ttftNs ?? e2eNs, tpotNs: tpot, e2eNs: e2eNs)
        if met { s.goodCalls += 1 }
    }

    /// A non-streamed answer (or a server that ignored `stream: true` and answered whole).
    private func readWhole(_ body: [UInt8]) {
        guard let a = OpenAIAnswer.parse(Data(body)), a.choices != nil else {
            streamError = OpenAIAnswer.parse(Data(body))?.error ?? "the answer is not a completion (\(body.count) bytes)"
            return
        }
        text = a.content
        reasoning = a.reasoning
        finishReason = a.finishReason
        usage = a.usage
    }
}
