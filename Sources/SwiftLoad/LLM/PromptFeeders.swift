import Foundation

extension Feeder where Element == Prompt {
    /// Prompts from a dataset file: JSON lines, or one JSON array (ShareGPT's own files). Each
    /// record may be
    /// - ShareGPT: `{"conversations": [{"from": "human", "value": …}, {"from": "gpt", "value": …}, …]}`;
    ///   the first human turn is the prompt and the reply after it sets `maxTokens` (as `vllm
    ///   bench serve` uses ShareGPT), estimated at four characters a token;
    /// - OpenAI chat: `{"messages": [{"role": "user", "content": …}, …]}`; a trailing assistant
    ///   turn is the reference answer, as in ShareGPT;
    /// - plain: `{"prompt": …}` (or `"text"`, `"question"`, `"input"`).
    ///
    /// `max_tokens`, `output_len` or `output_tokens` in a record set `maxTokens` outright;
    /// `maxTokensCap` caps it. Records with no usable prompt are skipped (vLLM skips them too);
    /// a file with none left is an error that stops the run.
    public static func prompts(_ path: String, strategy: Strategy = .sequential, maxTokensCap: Int? = nil) -> Feeder<Prompt> {
        Feeder(name: path, strategy: strategy, records: Result {
            let text = try ScriptLocation.read(path)
            var objects: [[String: Any]] = []
            let trimmed = text.drop { $0.isWhitespace }
            if trimmed.first == "[" {
                guard let array = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [Any] else {
                    throw FeederError(path, "is not a JSON array of records", dataUnreadable: true)
                }
                objects = array.compactMap { $0 as? [String: Any] }
            } else {
                for (n, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated()
                where !line.allSatisfy(\.isWhitespace) {
                    guard let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                        throw FeederError(path, "line \(n + 1) is not a JSON object", dataUnreadable: true)
                    }
                    objects.append(o)
                }
            }
            let prompts = objects.compactMap { PromptRecord.prompt(from: $0, cap: maxTokensCap) }
            guard !prompts.isEmpty else {
                throw FeederError(path, "has no usable prompts (expected ShareGPT conversations, OpenAI messages, or a prompt field)",
                                  dataUnreadable: true)
            }
            return prompts
        }.mapError { $0 as? FeederError ?? FeederError(path, "\($0)", dataUnreadable: true) })
    }

    /// `count` synthetic prompts whose lengths follow `inputTokens` and whose `maxTokens` follow
    /// `outputTokens`, as `vllm bench serve --dataset-name random` makes them: the same seed
    /// gives the same prompts on every machine and segment. Without a tokenizer, a prompt of n
    /// tokens is n common English words (one token each in the usual BPE vocabularies); the
    /// server's count of them is `llm_input_tokens`. Each prompt starts with its own number, so
    /// a server's prefix cache cannot answer one from another.
    public static func syntheticPrompts(count: Int = 1000, inputTokens: LengthDistribution, outputTokens: LengthDistribution,
                                        seed: UInt64 = 0, strategy: Strategy = .sequential) -> Feeder<Prompt> {
        let name = "synthetic prompts"
        if let p = inputTokens.problem ?? outputTokens.problem {
            return Feeder(name: name, strategy: strategy, records: .failure(FeederError(name, p, dataUnreadable: true)))
        }
        guard count >= 1 && count <= 1_000_000 else {
            return Feeder(name: name, strategy: strategy,
                          records: .failure(FeederError(name, "count must be 1…1,000,000 (got \(count))", dataUnreadable: true)))
        }
        var rng = SplitMix64(seed: seed)
        let words = PromptRecord.words
        let prompts = (0..<count).map { i -> Prompt in
            let n = inputTokens.draw(&rng)
            var text = "\(i)"
            text.reserveCapacity(n * 6)
            for _ in 1..<max(2, n) {
                text += " "
                text += words[Int(rng.next() % UInt64(words.count))]
            }
            return Prompt(messages: [.user(text)], maxTokens: outputTokens.draw(&rng), inputTokens: n)
        }
        return Feeder(name: name, strategy: strategy, records: .success(prompts))
    }
}

/// Reading one dataset record into a prompt.
enum PromptRecord {
    /// Common short English words, each one token in the usual BPE vocabularies.
    static let words = """
        the of and to in is it you that he was for on are as with his they at be this have from or one had by word but not
        what all were we when your can said there use an each which she do how their if will up other about out many then
        them these so some her would make like him into time has look two more write go see number no way could people my
        than first water been call who oil its now find long down day did get come made may part
        """.split(whereSeparator: \.isWhitespace).map(String.init)

    static func prompt(from o: [String: Any], cap: Int?) -> Prompt? {
        var messages: [ChatMessage] = []
        var reference: String?
        if let turns = o["conversations"] as? [[String: Any]] {
            // ShareGPT: the first human turn, and the answer to it.
            guard let first = turns.firstIndex(where: { ["human", "user"].contains($0["from"] as? String ?? "") }),
                  let text = turns[first]["value"] as? String, !text.isEmpty else { return nil }
            messages = [.user(text)]
            if first + 1 < turns.count { reference = turns[first + 1]["value"] as? String }
        } else if let list = o["messages"] as? [[String: Any]] {
            for m in list {
                guard let role = m["role"] as? String, let content = m["content"] as? String else { continue }
                messages.append(ChatMessage(role: role, content: content))
            }
            if messages.last?.role == "assistant" { reference = messages.removeLast().content }
            guard messages.contains(where: { $0.role == "user" }) else { return nil }
        } else if let text = ["prompt", "text", "question", "input"].lazy.compactMap({ o[$0] as? String }).first, !text.isEmpty {
            messages = [.user(text)]
        } else {
            return nil
        }
        var maxTokens = ["max_tokens", "output_len", "output_tokens"].lazy.compactMap { (o[$0] as? NSNumber)?.intValue }.first
        if maxTokens == nil, let r = reference, !r.isEmpty { maxTokens = estimatedTokens(r) }
        if let cap, let m = maxTokens { maxTokens = min(m, cap) }
        let input = (o["input_len"] as? NSNumber)?.intValue ?? estimatedTokens(messages.map(\.content).joined(separator: "\n"))
        return Prompt(messages: messages, maxTokens: maxTokens.map { max(1, $0) }, inputTokens: input)
    }

    /// About four characters a token (OpenAI's rule of thumb for English): an estimate, used
    /// only where a dataset gives no count.
    static func estimatedTokens(_ text: String) -> Int { max(1, (text.count + 3) / 4) }
}
