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

    @Test func goodputSLOsParseAndJudge() throws {
        let slo = try GoodputSLO.parse(["ttft:500ms", "tpot:50", "e2e:2s"])
        #expect(slo == GoodputSLO(ttft: .milliseconds(500), tpot: .milliseconds(50), e2e: .seconds(2)))
        #expect(slo.met(ttftNs: 400_000_000, tpotNs: 40_000_000, e2eNs: 1_000_000_000))
        #expect(!slo.met(ttftNs: 600_000_000, tpotNs: 40_000_000, e2eNs: 1_000_000_000))
        #expect(!slo.met(ttftNs: 400_000_000, tpotNs: 60_000_000, e2eNs: 1_000_000_000))
        #expect(slo.met(ttftNs: 400_000_000, tpotNs: nil, e2eNs: 1_000_000_000), "one token meets any tpot")
        for bad in ["ttft", "ttft:soon", "latency:5ms", "tpot:-5", "ttft:0ms"] {
            #expect(throws: ConfigurationError.self, "\(bad)") { try GoodputSLO.parse([bad]) }
        }
    }

    @Test func comparisonTolerancesTakeAnLLMMetric() throws {
        let t = try RegressionTolerance.parse("ttft:p(99)=10%")
        #expect(t.metric == "llm_ttft" && t.statistic == .percentile(99) && t.limit == 0.10)
        #expect(t.description == "llm_ttft:p(99)=+10%")
        #expect(try RegressionTolerance.parse("llm_tpot:med=5%").metric == "llm_tpot")
        #expect(try RegressionTolerance.parse("p(99)=10%").metric == "http_req_duration")
        #expect(throws: RegressionToleranceError.self) { try RegressionTolerance.parse("llm_output_tokens:p(99)=10%") }
        #expect(throws: RegressionToleranceError.self) { try RegressionTolerance.parse("ttft:error_rate=1%") }
    }
}
