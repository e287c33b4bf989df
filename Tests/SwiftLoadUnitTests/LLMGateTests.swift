import Testing
@testable import SwiftLoad

/// What judges LLM calls: goodput SLOs, comparison tolerances on LLM metrics, and sweep SLOs
/// written with their short names.
@Suite struct LLMGateTests {
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

    @Test func sweepSLOsTakeLLMShortNames() throws {
        #expect(try SweepSLO.threshold("ttft p(99)<500ms") == "llm_ttft:p(99)<500ms")
        #expect(try SweepSLO.threshold("tpot: p(90) < 50ms") == "llm_tpot: p(90) < 50ms")
        #expect(try SweepSLO.threshold("goodput rate>2") == "llm_goodput:rate>2")
        #expect(try SweepSLO.threshold("p(99)<50ms") == "http_req_duration:p(99)<50ms")
        #expect(try SweepSLO.threshold("error_rate<1%") == "http_req_failed:rate<1%")
        #expect(try SweepSLO.threshold("llm_itl{name:chat}:p(99)<30ms") == "llm_itl{name:chat}:p(99)<30ms")
        #expect(throws: ThresholdSyntaxError.self) { try SweepSLO.threshold("ttft rate<5") }
        #expect(throws: ThresholdSyntaxError.self) { try SweepSLO.threshold("ttfx p(99)<5ms") }
    }
}
