// The LLM-client benchmark row: every VU streams a chat completion back to back from a static
// file of `chat.completion.chunk` events (nginx), each chunk decoded and timed per token.
//
//     swiftload run scenarios/bench/sse_openai.swift --env URL=http://127.0.0.1:8080/v1 --vus 10 --duration 8s
import SwiftLoad

@main struct BenchOpenAI: LoadTest {
    static let options = Options(
        scenarios: ["chat": .constantVUs(10, duration: .seconds(60))],
        workers: 1)

    static func iteration(_ vu: VU) async throws {
        try await vu.openai(vu.env["URL", default: "http://127.0.0.1:8080/v1"])
            .chat(model: "bench", prompt: "hi", maxTokens: 1000, name: "chat")
    }
}
