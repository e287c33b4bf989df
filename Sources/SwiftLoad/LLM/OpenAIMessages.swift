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

import Foundation

/// The parts of a chat or completion answer (whole, or one streamed chunk) the client reads.
/// Everything is optional: servers differ, and a chunk carries only what changed.
struct OpenAIAnswer {
    /// Reads an answer through JSONSerialization: about twice as fast as JSONDecoder on Linux
    /// for a streamed chunk, which is read once per token. Nil when `data` is not a JSON object.
    static func parse(_ data: Data) -> OpenAIAnswer? {
        guard let o = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else { return nil }
        var a = OpenAIAnswer()
        if let list = o["choices"] as? [[String: Any]] {
            a.choices = list.map { c in
                func message(_ key: String) -> Choice.Message? {
                    guard let m = c[key] as? [String: Any] else { return nil }
                    return Choice.Message(content: m["content"] as? String, reasoning_content: m["reasoning_content"] as? String,
                                          reasoning: m["reasoning"] as? String)
                }
                return Choice(delta: message("delta"), message: message("message"), text: c["text"] as? String,
                              finish_reason: c["finish_reason"] as? String)
            }
        }
        if let u = o["usage"] as? [String: Any] {
            a.usage = TokenUsage(promptTokens: (u["prompt_tokens"] as? NSNumber)?.intValue,
                                 completionTokens: (u["completion_tokens"] as? NSNumber)?.intValue,
                                 totalTokens: (u["total_tokens"] as? NSNumber)?.intValue)
        }
        if a.choices == nil && a.usage == nil, let e = o["error"] {
            a.error = (e as? [String: Any])?["message"] as? String ?? (e as? String) ?? "error"
        } else if a.choices == nil && a.usage == nil, let m = o["message"] as? String, o["object"] as? String == "error" {
            a.error = m
        }
        return a
    }

    /// An `error` object the server sent instead of an answer.
    var error: String?
    struct Choice {
        struct Message {
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
