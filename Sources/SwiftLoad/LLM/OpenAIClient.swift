/// A client for OpenAI-compatible servers (vLLM, TGI, llama.cpp, LitServe, SGLang, Triton's
/// OpenAI frontend), made with `vu.openai(baseURL)`. Calls stream by default and are recorded
/// twice over: as requests (`http_req_*`, one per call) and as LLM calls (`llm_ttft`,
/// `llm_ttfot`, `llm_itl`, `llm_tpot`, `llm_e2e`, `llm_output_tokens_per_second`,
/// `llm_input_tokens`, `llm_output_tokens`, `llm_goodput`), all under the call's name.
///
///     let llm = vu.openai("http://127.0.0.1:8000/v1")
///     let r = try await llm.chat(model: "qwen", messages: [.user(prompt)], maxTokens: 128, name: "chat")
///     vu.check(r, "finished") { $0.finishReason != nil }
///
/// Streaming asks for usage in the last chunk (`stream_options.include_usage`), so output
/// tokens are the server's count; `extra` adds or overrides any field of the request body.
public struct OpenAIClient {
    let http: HTTP
    /// Up to and including the version, e.g. `http://host:8000/v1`.
    public let baseURL: String
    let headers: HTTPHeaders
    let slo: GoodputSLO

    /// A chat completion (`POST {baseURL}/chat/completions`).
    @discardableResult
    nonisolated(nonsending) public func chat(model: String, messages: [ChatMessage], maxTokens: Int? = nil, stream: Bool = true,
                                             extra: [String: JSONValue] = [:], name: String? = nil,
                                             tags: [String: String] = [:], timeout: Duration? = nil,
                                             onEvent: ((SSEEvent) -> Void)? = nil) async throws -> LLMResponse {
        var body: [String: JSONValue] = [
            "model": .string(model),
            "messages": .array(messages.map { .object(["role": .string($0.role), "content": .string($0.content)]) }),
        ]
        return try await call("/chat/completions", body: &body, maxTokens: maxTokens, stream: stream, extra: extra,
                              name: name, tags: tags, timeout: timeout, onEvent: onEvent)
    }

    /// A chat completion of one user message.
    @discardableResult
    nonisolated(nonsending) public func chat(model: String, prompt: String, maxTokens: Int? = nil, stream: Bool = true,
                                             extra: [String: JSONValue] = [:], name: String? = nil,
                                             tags: [String: String] = [:], timeout: Duration? = nil) async throws -> LLMResponse {
        try await chat(model: model, messages: [.user(prompt)], maxTokens: maxTokens, stream: stream, extra: extra,
                       name: name, tags: tags, timeout: timeout)
    }

    /// A text completion (`POST {baseURL}/completions`).
    @discardableResult
    nonisolated(nonsending) public func completions(model: String, prompt: String, maxTokens: Int? = nil, stream: Bool = true,
                                                    extra: [String: JSONValue] = [:], name: String? = nil,
                                                    tags: [String: String] = [:], timeout: Duration? = nil,
                                                    onEvent: ((SSEEvent) -> Void)? = nil) async throws -> LLMResponse {
        var body: [String: JSONValue] = ["model": .string(model), "prompt": .string(prompt)]
        return try await call("/completions", body: &body, maxTokens: maxTokens, stream: stream, extra: extra,
                              name: name, tags: tags, timeout: timeout, onEvent: onEvent)
    }

    nonisolated(nonsending) private func call(_ path: String, body: inout [String: JSONValue], maxTokens: Int?, stream: Bool,
                                              extra: [String: JSONValue], name: String?, tags: [String: String],
                                              timeout: Duration?, onEvent: ((SSEEvent) -> Void)?) async throws -> LLMResponse {
        if let maxTokens { body["max_tokens"] = .int(maxTokens) }
        if stream {
            body["stream"] = true
            body["stream_options"] = ["include_usage": true]
        }
        for (k, v) in extra { body[k] = v }
        var h = headers
        if stream, !h.contains("Accept") { h.set("Accept", "text/event-stream") }
        let account = LLMCallAccount(streaming: stream, slo: slo, onEvent: onEvent)
        var r = Request(method: .post, url: baseURL + path, headers: h, body: try .json(JSONValue.object(body)),
                        name: name, timeout: timeout, keepBody: stream ? .upTo(64 << 10) : .all, tags: tags)
        if stream {
            let events = account.events
            r.bodyObserver = BodyObserver { events.received(status: $0, bytes: $1) }
        }
        r.streamAccount = account
        let response = try await http.request(r)
        return LLMResponse(response: response, account: account)
    }
}

extension VU {
    /// An OpenAI-compatible client for `baseURL` (up to the version: `http://host:8000/v1`),
    /// sending `Authorization: Bearer apiKey` when one is given.
    public func openai(_ baseURL: String, apiKey: String? = nil, headers: HTTPHeaders = [:]) -> OpenAIClient {
        var h = headers
        if let apiKey, !apiKey.isEmpty, !h.contains("Authorization") { h.set("Authorization", "Bearer \(apiKey)") }
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        return OpenAIClient(http: http, baseURL: base, headers: h, slo: context.http.goodput)
    }
}
