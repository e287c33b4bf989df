/// One prompt of an LLM workload: the conversation to send and how long an answer to ask for.
/// Made by `Feeder.prompts(_:)` from a dataset file or by `Feeder.syntheticPrompts(…)`.
///
///     static let prompts = Feeder.prompts("data/sharegpt.json", strategy: .random)
///     …
///     let p = try Self.prompts.next(vu)
///     try await llm.chat(model: model, messages: p.messages, maxTokens: p.maxTokens)
public struct Prompt: Sendable, Equatable {
    /// The conversation up to and including the user's turn being answered.
    public var messages: [ChatMessage]
    /// `max_tokens` to ask for: the dataset's own (`max_tokens`, `output_len`), an estimate of its
    /// reference answer's length, or the synthetic draw; nil when the dataset gives no hint.
    public var maxTokens: Int?
    /// The prompt's length in tokens as the dataset or generator meant it; nil when unknown.
    /// The server's count (`llm_input_tokens`) is the one the reports use.
    public var inputTokens: Int?

    public init(messages: [ChatMessage], maxTokens: Int? = nil, inputTokens: Int? = nil) {
        self.messages = messages
        self.maxTokens = maxTokens
        self.inputTokens = inputTokens
    }

    /// The last user message, for `/completions` (which takes one prompt string).
    public var text: String { messages.last(where: { $0.role == "user" })?.content ?? messages.last?.content ?? "" }
}

/// How long prompts or answers are, in tokens: drawn once per synthetic prompt.
public enum LengthDistribution: Sendable, Equatable {
    case fixed(Int)
    /// Uniform over `min...max`, as `vllm bench serve --random-range-ratio` draws.
    case uniform(Int, Int)
    /// Normal, rounded and kept within 1...(mean + 4 σ).
    case normal(mean: Double, stddev: Double)

    func draw(_ rng: inout SplitMix64) -> Int {
        switch self {
        case .fixed(let n): return max(1, n)
        case .uniform(let a, let b):
            let lo = max(1, min(a, b)), hi = max(lo, max(a, b))
            return lo + Int(rng.next() % UInt64(hi - lo + 1))
        case .normal(let mean, let sd):
            let v = (mean + sd * rng.normal()).rounded()
            return Int(min(max(1, v), max(1, mean + 4 * abs(sd))))
        }
    }

    var problem: String? {
        switch self {
        case .fixed(let n): return n < 1 || n > 1_000_000 ? "a fixed length must be 1…1,000,000 (got \(n))" : nil
        case .uniform(let a, let b): return min(a, b) < 1 || max(a, b) > 1_000_000 ? "uniform lengths must be 1…1,000,000 (got \(a)…\(b))" : nil
        case .normal(let m, let s):
            return !(m.isFinite && s.isFinite) || m < 1 || m > 1_000_000 || s < 0 ? "a normal length needs a mean of 1…1,000,000 and a stddev ≥ 0" : nil
        }
    }
}
