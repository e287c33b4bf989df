import Testing
@testable import SwiftLoad

/// Thresholds written in Swift become the thresholds their string forms are.
@Suite struct TypedThresholdTests {
    @Test func typedThresholdsAreTheStringGrammar() throws {
        let t: [String: ThresholdSet] = .typed(
            .duration(name: "infer").p(99) < .milliseconds(50),
            .duration(name: "infer").p(99.9) <= .seconds(1),
            .failed().rate < 0.01,
            .checks("status is 200").rate >= 0.99,
            .droppedIterations(scenario: "open").count == 0,
            .ttft(name: "chat").p(90) < .microseconds(500_500),
            .outputTokensPerSecond().p(10) > 20,
            .requests(status: 503).count == 0)
        #expect(t["http_req_duration{name:infer}"]?.expressions == ["p(99) < 50ms", "p(99.9) <= 1s"])
        #expect(t["http_req_failed"]?.expressions == ["rate < 0.01"])
        #expect(t["checks{check:status is 200}"]?.expressions == ["rate >= 0.99"])
        #expect(t["dropped_iterations{scenario:open}"]?.expressions == ["count == 0"])
        #expect(t["llm_ttft{name:chat}"]?.expressions == ["p(90) < 500500us"])
        #expect(t["llm_output_tokens_per_second"]?.expressions == ["p(10) > 20"])
        #expect(t["http_reqs{status:503}"]?.expressions == ["count == 0"])
        // Each parses, with the bound in the metric's unit.
        var problems: [String] = []
        let (parsed, _) = LoadRunner.parseThresholds(Options(thresholds: t), cli: [], problems: &problems)
        #expect(problems.isEmpty, "\(problems)")
        #expect(parsed.first { $0.metricKey == "llm_ttft{name:chat}" }?.bound == 500.5)
        #expect(parsed.first { $0.metricKey == "http_req_duration{name:infer}" && $0.source.hasPrefix("p(99) ") }?.bound == 50)
    }
}
