/// The console summary's part for streaming calls: per name, its LLM calls' token timing and
/// counts, and other streams' message timing.
extension ConsoleSummary {
    static func streamSection(_ rows: [RequestGroupStats]) -> [String] {
        var out: [String] = []
        for row in rows {
            if let l = row.llm { out += llmBlock(row.name, l) }
            else if let s = row.stream {
                out.append("")
                out.append("  stream \(row.name): \(NumberFormat.grouped(s.messages)) messages, first after"
                           + " p50 \(DurationFormat.milliseconds(s.firstMessage.med)) p99 \(DurationFormat.milliseconds(s.firstMessage.p99)),"
                           + " gaps p50 \(DurationFormat.milliseconds(s.messageGap.med)) p99 \(DurationFormat.milliseconds(s.messageGap.p99))")
            }
        }
        return out
    }

    private static func llmBlock(_ name: String, _ l: LLMStats) -> [String] {
        var out = [""]
        out.append("  LLM \(name): \(NumberFormat.grouped(l.calls)) calls, \(NumberFormat.grouped(l.inputTokens)) input and"
                   + " \(NumberFormat.grouped(l.outputTokens)) output tokens (\(String(format: "%.1f", l.outputTokenRate)) output tokens/s),"
                   + " goodput \(String(format: "%.2f", l.goodput))/s (\(NumberFormat.grouped(l.goodCalls)) of \(NumberFormat.grouped(l.calls)) calls met the SLOs)")
        out.append("    " + "".padded(28) + ["p50", "p90", "p99", "max", "count"].map { $0.leftPadded(10) }.joined())
        func line(_ label: String, _ t: TrendStats, tokens: Bool = false) {
            guard t.count > 0 else { return }
            let v = [t.med, t.p90, t.p99, t.max].map { (tokens ? String(format: "%.1f", $0) : DurationFormat.milliseconds($0)).leftPadded(10) }
            out.append("    " + label.padded(28) + v.joined() + NumberFormat.grouped(t.count).leftPadded(10))
        }
        line("time to first token", l.ttft)
        // Apart from TTFT only when a reasoning model thought first.
        if l.ttfot.count > 0 && (l.ttfot.med != l.ttft.med || l.ttfot.p99 != l.ttft.p99) { line("time to first output token", l.ttfot) }
        line("inter-token latency", l.itl)
        line("time per output token", l.tpot)
        line("end to end", l.e2e)
        line("output tokens/s per call", l.outputTokensPerSecond, tokens: true)
        return out
    }
}
