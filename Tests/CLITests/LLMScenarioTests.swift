import Foundation
import Testing
import TestSupport

/// The shipped `scenarios/openai_chat.swift` as a user runs it, against LitServe's
/// OpenAI-compatible server: ShareGPT prompts at a fixed rate, goodput SLOs from the command
/// line, and the LLM metrics in the summary, the JSON result and the HTML report.
@Suite(.serialized) struct LLMScenarioTests {
    @Test func theChatScenarioMeasuresTokensInEveryReport() throws {
        let server = LitServeFixture.shared
        let dir = Paths.temporaryDirectory("llm")
        let r = try CLI.run(["run", Paths.packageRoot + "/scenarios/openai_chat.swift", "-q", "--workers", "1",
                             "-e", "BASE_URL=\(server.base)/v1", "-e", "MODEL=generator",
                             "-e", "DATASET=\(Paths.fixtures)/data/sharegpt_sample.json",
                             "--rate", "3", "--duration", "3s", "--goodput", "ttft:1s", "--goodput", "tpot:50ms",
                             "--threshold", "llm_output_tokens{name:chat}:count>0",
                             "-o", "json=\(dir)/r.json", "-o", "html=\(dir)/r.html"], timeout: 300)
        #expect(r.status == 0, "\(r.stdout)\n\(r.stderr)")
        #expect(r.stdout.contains("LLM chat: 9 calls"), "\(r.stdout)")
        #expect(r.stdout.contains("time to first token") && r.stdout.contains("inter-token latency"), "\(r.stdout)")

        let data = try Data(contentsOf: URL(fileURLWithPath: dir + "/r.json"))
        #expect(SchemaValidator.shared.problems(in: data) == [])
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let chat = try #require((json["byName"] as? [[String: Any]])?.first { $0["name"] as? String == "chat" })
        let llm = try #require(chat["llm"] as? [String: Any])
        #expect(llm["calls"] as? Int == 9 && llm["outputTokens"] as? Int == 9 * 18, "\(llm)")
        #expect(llm["goodCalls"] as? Int == 9, "TTFT about 60 ms and TPOT about 12 ms meet 1 s and 50 ms: \(llm)")
        #expect((json["options"] as? [String: Any])?["goodput"] as? [String: Double] == ["ttft": 1000, "tpot": 50])
        let html = try String(contentsOfFile: dir + "/r.html", encoding: .utf8)
        #expect(html.contains("LLM calls") && html.contains("inter-token latency (per token)"))

        // Two runs compared (here the run with itself): the LLM metrics side by side, unchanged.
        let cmp = try CLI.run(["report", "\(dir)/r.json", "\(dir)/r.json", "--html", "\(dir)/cmp.html"])
        #expect(cmp.status == 0, "\(cmp.stderr)")
        let comparison = try String(contentsOfFile: dir + "/cmp.html", encoding: .utf8)
        #expect(comparison.contains("<h2>LLM calls</h2>") && comparison.contains("time to first token p99")
                && comparison.contains("goodput/s") && comparison.contains("Time to first token p99 over time"))
        let ttftRow = try #require(comparison.components(separatedBy: "<tr><td>time to first token p99</td>").last?
            .components(separatedBy: "</tr>").first)
        #expect(ttftRow.contains("(+0.0%)"), "\(ttftRow)")

        // Bad goodput input: one line, exit 2.
        let bad = try CLI.run(["run", Paths.packageRoot + "/scenarios/openai_chat.swift", "--goodput", "ttft=1s"])
        #expect(bad.status == 2 && bad.stderr.contains("--goodput \"ttft=1s\""), "\(bad.stderr)")
    }
}
