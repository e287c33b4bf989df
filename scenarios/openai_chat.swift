// An OpenAI-compatible LLM server (vLLM, TGI, llama.cpp, SGLang, LitServe, Triton's OpenAI
// frontend) under `vllm bench serve`'s workload: prompts arrive at a fixed rate whatever the
// server does, each streamed back and timed per token: time to first token, inter-token
// latency, time per output token, tokens per second and goodput under the SLOs below.
//
//     swiftload run scenarios/openai_chat.swift --env BASE_URL=http://127.0.0.1:8000/v1 --env MODEL=my-model \
//         --rate 2 --duration 2m --goodput ttft:500ms --goodput tpot:50ms --out html
//
// Environment: BASE_URL (up to /v1), MODEL, API_KEY (optional), DATASET (a ShareGPT JSON file
// or JSON lines of prompts; without it, synthetic prompts of 200–400 tokens asking for about
// 128 tokens each, as `--dataset-name random`), MAX_TOKENS (a cap on the answers asked for).
import SwiftLoad

@main struct OpenAIChat: LoadTest {
    static let options = Options(
        // Open model, as `--request-rate`: a server past its capacity shows as queueing in TTFT.
        scenarios: ["chat": .constantArrivalRate(2, duration: .seconds(60), preAllocatedVUs: 16, maxVUs: 256)],
        thresholds: [
            "llm_ttft{name:chat}": "p(99) < 2s",
            "llm_tpot{name:chat}": "p(90) < 100ms",
            "http_req_failed": "rate < 1%",
        ],
        // Streams take as long as they generate.
        requestTimeout: .seconds(300),
        goodput: GoodputSLO(ttft: .milliseconds(500), tpot: .milliseconds(50)))

    /// The prompts, chosen once: the dataset named by DATASET, or synthetic ones.
    static func setup(_ vu: VU) async throws -> Feeder<Prompt> {
        if let path = vu.env["DATASET"] { return Feeder.prompts(path, strategy: .random, maxTokensCap: 1024) }
        return Feeder.syntheticPrompts(count: 1000, inputTokens: .uniform(200, 400), outputTokens: .normal(mean: 128, stddev: 16), seed: 1)
    }

    static func iteration(_ vu: VU) async throws {
        let llm = vu.openai(vu.env["BASE_URL", default: "http://127.0.0.1:8000/v1"], apiKey: vu.env["API_KEY"])
        let model = vu.env["MODEL", default: "default"]
        let prompt = try setupData(vu).next(vu)
        let cap = Int(vu.env["MAX_TOKENS", default: ""]) ?? Int.max
        let answer = try await llm.chat(
            model: model, messages: prompt.messages, maxTokens: prompt.maxTokens.map { min($0, cap) },
            // vLLM's own benchmark asks it to ignore end-of-sequence so answers run to max_tokens;
            // servers that do not know the field ignore it.
            extra: ["ignore_eos": true, "temperature": 0],
            name: "chat")
        vu.check(answer, "answered") { $0.ok && !$0.text.isEmpty }
    }
}
