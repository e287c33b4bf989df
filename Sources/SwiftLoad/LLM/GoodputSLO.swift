/// The service-level objectives an LLM call must meet to count toward goodput (`llm_goodput`):
/// requests per second that succeeded within every objective set, as `vllm bench serve
/// --goodput` and DistServe define it.
///
///     Options(goodput: GoodputSLO(ttft: .milliseconds(500), tpot: .milliseconds(50)))
///     swiftload run chat.swift --goodput ttft:500ms --goodput tpot:50ms
///
/// A non-streaming call's first token reaches the client with its last, so its time to first
/// token is its end-to-end time; a call of one output token has no time per output token and
/// meets any `tpot` objective.
public struct GoodputSLO: Sendable, Equatable, Codable {
    /// Time to first token at most this.
    public var ttft: Duration?
    /// Time per output token at most this.
    public var tpot: Duration?
    /// End-to-end time at most this.
    public var e2e: Duration?

    public init(ttft: Duration? = nil, tpot: Duration? = nil, e2e: Duration? = nil) {
        self.ttft = ttft
        self.tpot = tpot
        self.e2e = e2e
    }

    /// True when no objective is set: every successful call counts.
    public var isEmpty: Bool { ttft == nil && tpot == nil && e2e == nil }

    /// Whether a successful call with these times (nanoseconds) meets every objective.
    func met(ttftNs: UInt64, tpotNs: UInt64?, e2eNs: UInt64) -> Bool {
        if let t = ttft, ttftNs > t.nanoseconds { return false }
        if let t = tpot, let v = tpotNs, v > t.nanoseconds { return false }
        if let t = e2e, e2eNs > t.nanoseconds { return false }
        return true
    }

    /// Parses `--goodput` values: `ttft:500ms`, `tpot:50` (a bare number is milliseconds),
    /// `e2e:2s`; later values of one key win.
    public static func parse(_ items: [String]) throws(ConfigurationError) -> GoodputSLO {
        var slo = GoodputSLO()
        for item in items {
            let parts = item.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, let d = duration(parts[1]), d > .zero else {
                throw ConfigurationError(["--goodput \"\(item)\": expected KEY:DURATION with KEY ttft, tpot or e2e, e.g. ttft:500ms"])
            }
            switch parts[0].lowercased() {
            case "ttft": slo.ttft = d
            case "tpot": slo.tpot = d
            case "e2e", "e2el": slo.e2e = d
            default:
                throw ConfigurationError(["--goodput \"\(item)\": unknown objective \"\(parts[0])\" (use ttft, tpot or e2e)"])
            }
        }
        return slo
    }

    private static func duration(_ text: String) -> Duration? {
        if let ms = Double(text) { return ms.isFinite && ms < 1e12 ? .nanoseconds(Int64(ms * 1e6)) : nil }
        return try? DurationFormat.parse(text)
    }

    /// The objectives in milliseconds, for the result's options echo.
    var echo: [String: Double]? {
        var out: [String: Double] = [:]
        if let t = ttft { out["ttft"] = t.seconds * 1000 }
        if let t = tpot { out["tpot"] = t.seconds * 1000 }
        if let t = e2e { out["e2e"] = t.seconds * 1000 }
        return out.isEmpty ? nil : out
    }
}
