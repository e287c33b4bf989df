/// The token timing of one streamed LLM call, worked out from its chunks' arrivals: time to
/// first (output) token, inter-token latency per token, time per output token.
///
/// How tokens are counted, without a tokenizer:
/// - when chunks carry cumulative usage (vLLM's `continuous_usage_stats`), a chunk's tokens are
///   the growth of `completion_tokens` since the previous chunk;
/// - otherwise, when the final usage gives the call's output tokens N, they are spread over the
///   C chunks that carried text as evenly as whole tokens allow (chunk i ends at token
///   ⌈i·N/C⌉), so a server that packs several tokens per chunk is not timed per chunk;
/// - with no usage at all, each chunk that carried text counts as one token.
struct TokenTiming: Equatable {
    /// One chunk of the stream as the timing needs it.
    struct Chunk: Equatable {
        /// Monotonic arrival (ns).
        var at: UInt64
        /// It carried text: answer or reasoning.
        var hasText: Bool
        /// It carried answer text (not only reasoning).
        var hasOutput: Bool
        /// `usage.completion_tokens` in this chunk, when the server sends usage with every chunk.
        var cumulativeTokens: Int?
    }

    enum Counting: String, Equatable { case usagePerChunk = "usage per chunk", usage = "usage", chunks = "chunks" }

    /// Output tokens of the call.
    var outputTokens = 0
    var counting = Counting.chunks
    /// Arrival of the first chunk with text, and of the first with answer text.
    var firstToken: UInt64?
    var firstOutputToken: UInt64?
    /// Arrival of the last chunk that carried a token.
    var lastToken: UInt64?
    /// Inter-token latency samples: `count` tokens each `ns` after the one before.
    var gaps: [(ns: UInt64, count: UInt64)] = []

    static func == (a: TokenTiming, b: TokenTiming) -> Bool {
        a.outputTokens == b.outputTokens && a.counting == b.counting && a.firstToken == b.firstToken
            && a.firstOutputToken == b.firstOutputToken && a.lastToken == b.lastToken
            && a.gaps.map(\.ns) == b.gaps.map(\.ns) && a.gaps.map(\.count) == b.gaps.map(\.count)
    }

    /// Time per output token after the first (vLLM's TPOT): nil for fewer than two tokens.
    var tpotNs: UInt64? {
        guard outputTokens > 1, let f = firstToken, let l = lastToken, l >= f else { return nil }
        return (l - f) / UInt64(outputTokens - 1)
    }

    init(chunks: [Chunk], finalOutputTokens: Int?) {
        let text = chunks.filter(\.hasText)
        firstToken = text.first?.at
        firstOutputToken = chunks.first(where: \.hasOutput)?.at
        guard !text.isEmpty else {
            outputTokens = finalOutputTokens ?? 0
            counting = finalOutputTokens == nil ? .chunks : .usage
            return
        }
        var perChunk: [Int]
        if text.allSatisfy({ $0.cumulativeTokens != nil }) {
            counting = .usagePerChunk
            var previous = 0
            perChunk = text.map { c in
                let k = max(0, c.cumulativeTokens! - previous)
                previous = max(previous, c.cumulativeTokens!)
                return k
            }
            // The first chunk's count covers any token the server counted before it.
            outputTokens = max(finalOutputTokens ?? previous, previous)
            if perChunk[0] == 0 { perChunk[0] = 1 }
        } else if let n = finalOutputTokens {
            counting = .usage
            outputTokens = n
            let c = text.count
            perChunk = (1...c).map { i in (i * n + c - 1) / c - ((i - 1) * n + c - 1) / c }
        } else {
            counting = .chunks
            outputTokens = text.count
            perChunk = Array(repeating: 1, count: text.count)
        }
        var previous: UInt64?
        for (c, k) in zip(text, perChunk) where k > 0 {
            if let p = previous {
                let gap = c.at >= p ? c.at - p : 0
                gaps.append((gap / UInt64(k), UInt64(k)))
            }
            previous = c.at
            lastToken = c.at
        }
    }
}
