import Testing
@testable import SwiftLoad

/// How a streamed LLM call's chunks become token timing: per-token inter-token latency, TTFT and
/// TTFOT, TPOT, and the three ways tokens are counted. Times are plain nanosecond values.
@Suite struct TokenTimingTests {
    private func chunk(_ ms: UInt64, text: Bool = true, output: Bool = true, usage: Int? = nil) -> TokenTiming.Chunk {
        TokenTiming.Chunk(at: ms * 1_000_000, hasText: text, hasOutput: output && text, cumulativeTokens: usage)
    }

    @Test func aChunkCarryingKTokensCountsKGapsOfOneKth() {
        // Four chunks 30 ms apart, the server's final usage says 8 tokens: two per chunk.
        let t = TokenTiming(chunks: [chunk(100), chunk(130), chunk(160), chunk(190)], finalOutputTokens: 8)
        #expect(t.counting == .usage)
        #expect(t.outputTokens == 8)
        #expect(t.gaps.map(\.ns) == [15_000_000, 15_000_000, 15_000_000])
        #expect(t.gaps.map(\.count) == [2, 2, 2])
        #expect(t.firstToken == 100_000_000 && t.lastToken == 190_000_000)
        #expect(t.tpotNs == 90_000_000 / 7)
    }

    @Test func unevenUsageIsSpreadAsWholeTokensSummingToTheCount() {
        // 5 tokens over 3 chunks: chunk i ends at token ⌈5i/3⌉ = 2, 4, 5.
        let t = TokenTiming(chunks: [chunk(0), chunk(10), chunk(20)], finalOutputTokens: 5)
        #expect(t.gaps.map(\.count) == [2, 1])
        #expect(t.gaps.map(\.ns) == [5_000_000, 10_000_000])
        // Fewer tokens than chunks: a chunk that completes no token adds its wait to the next.
        let few = TokenTiming(chunks: [chunk(0), chunk(10), chunk(20), chunk(30)], finalOutputTokens: 2)
        #expect(few.gaps.map(\.count) == [1])
        #expect(few.gaps.map(\.ns) == [20_000_000])
    }

    @Test func perChunkUsageCountsEachChunksGrowth() {
        let t = TokenTiming(chunks: [chunk(0, usage: 1), chunk(10, usage: 4), chunk(20, usage: 5)], finalOutputTokens: 5)
        #expect(t.counting == .usagePerChunk)
        #expect(t.gaps.map(\.count) == [3, 1])
        #expect(t.gaps.map(\.ns) == [10_000_000 / 3, 10_000_000])
    }

    @Test func withoutUsageEachChunkWithTextIsOneToken() {
        let t = TokenTiming(chunks: [chunk(0, text: false), chunk(50), chunk(75), chunk(90, text: false), chunk(100)],
                            finalOutputTokens: nil)
        #expect(t.counting == .chunks)
        #expect(t.outputTokens == 3)
        #expect(t.firstToken == 50_000_000)
        #expect(t.gaps.map(\.ns) == [25_000_000, 25_000_000])
    }

    @Test func reasoningBeforeTheAnswerSeparatesTTFTFromTTFOT() {
        let t = TokenTiming(chunks: [chunk(40, output: false), chunk(60, output: false), chunk(200), chunk(220)], finalOutputTokens: nil)
        #expect(t.firstToken == 40_000_000)
        #expect(t.firstOutputToken == 200_000_000)
        #expect(t.outputTokens == 4, "reasoning tokens are output tokens, as usage counts them")
    }

    @Test func oneTokenHasNoTimePerOutputToken() {
        #expect(TokenTiming(chunks: [chunk(10)], finalOutputTokens: 1).tpotNs == nil)
        let none = TokenTiming(chunks: [chunk(10, text: false)], finalOutputTokens: nil)
        #expect(none.outputTokens == 0 && none.firstToken == nil && none.gaps.isEmpty)
    }
}
