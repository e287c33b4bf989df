import Foundation
import Testing
@testable import SwiftLoad
import TestSupport

/// The OpenAI-compatible client against LitServe's OpenAISpec (a server nobody here wrote),
/// serving a generator with known timing: nine words, the first 60 ms after the request, then
/// one every 25 ms, each counted as two tokens in the usage. The LLM metrics say exactly that.
@Suite(.serialized) struct OpenAIClientTests {
    static var server: LitServeFixture { LitServeFixture.shared }

    @Test(arguments: [HTTPTransport.automatic, .libcurl])
    func streamedChatIsTimedPerToken(transport: HTTPTransport) throws {
        let base = Self.server.base + "/v1"
        let answers = Collected<LLMResponse>()
        var options = Options(scenarios: ["s": .sharedIterations(vus: 1, iterations: 4)], transport: transport,
                              goodput: GoodputSLO(ttft: .milliseconds(500)))
        options.thresholds = ["llm_ttft{name:chat}": "p(99) < 500ms", "llm_itl{name:chat}": "p(50) < 5ms",
                              "llm_output_tokens{name:chat}": "count == 72", "llm_goodput": "count == 4"]
        let result = try runLoad(options) { vu in
            let llm = vu.openai(base, apiKey: "not-checked")
            answers.add(try await llm.chat(model: "generator", messages: [.system("be brief"), .user("say the sentence")],
                                           maxTokens: 32, extra: ["temperature": 0], name: "chat"))
        }
        let a = try #require(answers.all.last)
        #expect(a.ok, "\(transport): \(a.error ?? "")")
        #expect(a.text == "the quick brown fox jumps over the lazy dog ")
        #expect(a.finishReason == "stop")
        #expect(a.usage?.completionTokens == 18 && a.usage?.promptTokens == 5, "\(String(describing: a.usage)) \(a.text)")
        #expect(a.outputTokens == 18 && a.chunks == 9)
        let ttft = try #require(a.timeToFirstToken).ms
        #expect(ttft >= 60 && ttft < 110, "\(transport): first token after \(ttft) ms (the server waits 60)")
        #expect(a.timeToFirstOutputToken == a.timeToFirstToken, "no reasoning: the first token is the answer's")
        // 8 gaps of 25 ms between 9 chunks over 17 tokens after the first.
        let tpot = try #require(a.timePerOutputToken).ms
        #expect(abs(tpot - 200.0 / 17) < 1.5, "\(transport): time per output token \(tpot) ms (200 ms / 17)")

        let llm = try #require(result.stats("chat")?.llm)
        #expect(llm.calls == 4 && llm.outputTokens == 72 && llm.inputTokens == 20)
        #expect(llm.goodCalls == 4, "every call met ttft ≤ 500 ms")
        // Per token: each 25 ms wait delivered two tokens, so 16 samples of 12.5 ms per call.
        #expect(llm.itl.count == 4 * 16)
        #expect(abs(llm.itl.med - 12.5) < 1.5, "\(transport): inter-token latency p50 \(llm.itl.med) ms (25 ms / 2 tokens)")
        #expect(llm.tpot.count == 4 && abs(llm.tpot.med - 200.0 / 17) < 1.5)
        #expect(llm.ttft.count == 4 && llm.ttft.med >= 60 && llm.ttft.p99 < 150)
        #expect(llm.e2e.count == 4 && llm.e2e.med >= 260, "end to end covers the stream: \(llm.e2e.med) ms")
        // 18 tokens in ~0.27 s: about 65 tokens/s per call.
        #expect(llm.outputTokensPerSecond.med > 40 && llm.outputTokensPerSecond.med < 75, "\(llm.outputTokensPerSecond.med) tokens/s")
        let stream = try #require(result.stats("chat")?.stream)
        #expect(stream.messages >= 4 * 11, "nine words, the usage chunk and [DONE] per call: \(stream.messages)")
        // The request itself: one per call.
        #expect(result.stats("chat")?.count == 4 && result.stats("chat")?.failures == 0)

        let verdicts = Dictionary(uniqueKeysWithValues: result.thresholds.map { ($0.metric, $0.passed) })
        #expect(verdicts["llm_ttft{name:chat}"] == true)
        #expect(verdicts["llm_itl{name:chat}"] == false, "12.5 ms per token is not under 5 ms")
        #expect(verdicts["llm_output_tokens{name:chat}"] == true && verdicts["llm_goodput"] == true)
        #expect(result.timeSeries.compactMap(\.llm).reduce(0) { $0 + $1.calls } == 4)
        // k6's summary shape carries them too.
        let summary = SummaryReport.summary(result).metrics
        #expect(summary["llm_output_tokens"]?["count"] == 72 && abs((summary["llm_itl"]?["med"] ?? 0) - 12.5) < 1.5, "\(summary)")

        // A result file gives the same numbers back (merge, report).
        let restored = Recorder(restoring: try JSONDecoder().decode(RunResult.self, from: JSONReport.encode(result)))
        let s = try #require(restored.requests.first { $0.key.name == "chat" }?.value.stream)
        #expect(s.llmCalls == 4 && s.outputTokens == 72 && s.goodCalls == 4 && s.histogram(.itl)?.totalCount == 64)
    }

    @Test func wholeAnswersAndAStrictSLO() throws {
        let base = Self.server.base + "/v1"
        let answers = Collected<LLMResponse>()
        let result = try runLoad(Options(scenarios: ["s": .sharedIterations(vus: 1, iterations: 2)],
                                         goodput: GoodputSLO(tpot: .milliseconds(5)))) { vu in
            let llm = vu.openai(base)
            answers.add(try await llm.chat(model: "generator", prompt: "hi", stream: false, name: "whole"))
            answers.add(try await llm.chat(model: "generator", prompt: "hi", name: "streamed"))
            answers.add(try await vu.openai(base + "/nowhere").completions(model: "generator", prompt: "hi", name: "404"))
        }
        let whole = try #require(answers.all.first)
        #expect(whole.ok && whole.text == "the quick brown fox jumps over the lazy dog ")
        #expect(whole.usage?.completionTokens == 18 && whole.outputTokens == 18)
        #expect(whole.timeToFirstToken == nil && whole.timePerOutputToken == nil, "a whole answer has no token timing")
        let w = try #require(result.stats("whole")?.llm)
        #expect(w.calls == 2 && w.e2e.count == 2 && w.ttft.count == 0 && w.itl.count == 0 && w.outputTokens == 36)
        #expect(w.goodCalls == 2, "no tpot for a whole answer: the tpot SLO does not apply")
        let s = try #require(result.stats("streamed")?.llm)
        #expect(s.goodCalls == 0, "11.8 ms per token misses a 5 ms tpot SLO")
        let failed = try #require(answers.all.last)
        #expect(!failed.ok && failed.response.status == 404)
        #expect(result.stats("404")?.failures == 2 && result.stats("404")?.llm?.goodCalls == 0)
        #expect(result.stats("404")?.llm?.e2e.count == 0, "failed calls add no timing")
    }

    /// `swiftload compare` as a gate on LLM metrics: the same scenario against a server whose
    /// first token comes 60 ms later is a TTFT regression, while its inter-token pace, unchanged,
    /// passes.
    @Test func comparisonGatesOnTimeToFirstToken() throws {
        let base = Self.server.base + "/v1"
        func run(ttftMs: Int) throws -> RunResult {
            try runLoad(Options(scenarios: ["s": .sharedIterations(vus: 1, iterations: 6)])) { vu in
                _ = try await vu.openai(base).chat(model: "generator", prompt: "hi", extra: ["metadata": ["ttft_ms": .string(String(ttftMs))]],
                                                   name: "chat")
            }
        }
        let baseline = try run(ttftMs: 60), current = try run(ttftMs: 120)
        #expect(abs((current.stats("chat")?.llm?.ttft.med ?? 0) - (baseline.stats("chat")?.llm?.ttft.med ?? 0) - 60) < 15)
        let c = try RunComparison.compare(baseline: baseline, current: current, baselineLabel: "a", currentLabel: "b",
                                          tolerances: [try RegressionTolerance.parse("ttft:p(99)=20%"),
                                                       try RegressionTolerance.parse("itl:med=20%")])
        let rows = Dictionary(uniqueKeysWithValues: c.rows.map { ($0.statistic, $0) })
        #expect(rows["llm_ttft p(99)"]?.verdict == .regression, "\(c.rows.map(\.summary))")
        #expect(rows["llm_itl med"].map { $0.verdict != .regression } == true, "\(c.rows.map(\.summary))")
        #expect(c.exitCode == LoadRunner.ExitCode.thresholdsFailed)
    }
}

private extension Duration {
    var ms: Double { Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15 }
}
