/// A chat message as OpenAI-compatible servers take it.
public struct ChatMessage: Sendable, Equatable, Codable {
    public var role: String
    public var content: String

    public init(role: String, content: String) {
        self.role = role
        self.content = content
    }

    public static func system(_ text: String) -> ChatMessage { ChatMessage(role: "system", content: text) }
    public static func user(_ text: String) -> ChatMessage { ChatMessage(role: "user", content: text) }
    public static func assistant(_ text: String) -> ChatMessage { ChatMessage(role: "assistant", content: text) }
}

/// Token counts as the server reported them (`usage`).
public struct TokenUsage: Sendable, Equatable, Codable {
    public var promptTokens: Int?
    public var completionTokens: Int?
    public var totalTokens: Int?

    enum CodingKeys: String, CodingKey {
        case promptTokens = "prompt_tokens", completionTokens = "completion_tokens", totalTokens = "total_tokens"
    }
}

/// The parts of a chat or completion answer (whole, or one streamed chunk) the client reads.
/// Everything is optional: servers differ, and a chunk carries only what changed.
struct OpenAIAnswer: Decodable {
    struct Choice: Decodable {
        struct Message: Decodable {
            var content: String?
            /// vLLM and SGLang name it `reasoning_content`; others (Ollama, OpenRouter) `reasoning`.
            var reasoning_content: String?
            var reasoning: String?
        }
        /// Chat, streamed.
        var delta: Message?
        /// Chat, whole.
        var message: Message?
        /// Completions.
        var text: String?
        var finish_reason: String?
    }
    var choices: [Choice]?
    var usage: TokenUsage?

    /// The answer text in this chunk (or whole answer).
    var content: String {
        guard let c = choices?.first else { return "" }
        return c.delta?.content ?? c.message?.content ?? c.text ?? ""
    }

    /// The reasoning text in this chunk (or whole answer).
    var reasoning: String {
        guard let c = choices?.first, let m = c.delta ?? c.message else { return "" }
        return m.reasoning_content ?? m.reasoning ?? ""
    }

    var finishReason: String? { choices?.first?.finish_reason }
}
