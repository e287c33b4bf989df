import Foundation

/// `--out markdown=PATH`: the run as a CI job summary (GitHub's `$GITHUB_STEP_SUMMARY`, a merge
/// request comment): the verdict first, then requests per name, thresholds, LLM calls and
/// checks, in GitHub-flavoured Markdown tables.
public enum MarkdownReport {
    public static func render(_ r: RunResult) -> String {
        let v = HTMLReport.verdict(r)
        let mark = v.css == "ok" ? "✅" : v.css == "bad" ? "❌" : "⚠️"
        let script = r.run.script.map { URL(fileURLWithPath: $0).lastPathComponent } ?? "load test"
        var out = ["## \(mark) \(escape(script)): \(escape(v.headline))", ""]
        let q = r.requests
        out.append("\(escape(v.detail)) · ran \(String(format: "%.1f", r.run.durationSeconds)) s · "
                   + "\(NumberFormat.grouped(q.count)) requests (\(NumberFormat.rate(q.rps))/s) · \(NumberFormat.percent(q.errorRate)) failed"
                   + (r.run.targets.isEmpty ? "" : " · " + r.run.targets.map { "`\($0)`" }.joined(separator: ", ")))
        for reason in r.run.taintReasons ?? [] { out += ["", "> **Tainted**: \(escape(reason))"] }
        for w in r.warnings ?? [] { out += ["", "> \(escape(w))"] }

        out += ["", "| name | requests | req/s | failed | p50 | p95 | p99 | max |", "|---|--:|--:|--:|--:|--:|--:|--:|"]
        let rows = r.byName.count > 1 || r.byName.isEmpty ? r.byName + [r.requests] : r.byName
        for s in rows.prefix(50) {
            let d = s.duration
            out.append("| \(escape(s.name)) | \(NumberFormat.grouped(s.count)) | \(NumberFormat.rate(s.rps)) | \(NumberFormat.percent(s.errorRate)) | "
                       + [d.med, d.p95, d.p99, d.max].map(DurationFormat.milliseconds).joined(separator: " | ") + " |")
        }
        if r.byName.count > 50 { out += ["", "… \(r.byName.count - 50) more names in the JSON result"] }

        if !r.thresholds.isEmpty {
            out += ["", "### Thresholds", "", "| | metric | condition | actual |", "|---|---|---|--:|"]
            for t in r.thresholds {
                out.append("| \(t.passed ? "✅" : "❌") | `\(code(t.metric))` | `\(code(t.condition))` | \(escape(t.actualText)) |")
            }
        }
        let llm = r.byName.compactMap { s in s.llm.map { (s.name, $0) } }
        if !llm.isEmpty {
            out += ["", "### LLM calls", "", "| name | calls | TTFT p50 / p99 | ITL p50 / p99 | TPOT p50 / p99 | output tokens/s | goodput/s |",
                    "|---|--:|--:|--:|--:|--:|--:|"]
            for (name, l) in llm {
                func pair(_ t: TrendStats) -> String { t.count > 0 ? "\(DurationFormat.milliseconds(t.med)) / \(DurationFormat.milliseconds(t.p99))" : "–" }
                out.append("| \(escape(name)) | \(NumberFormat.grouped(l.calls)) | \(pair(l.ttft)) | \(pair(l.itl)) | \(pair(l.tpot)) | "
                           + String(format: "%.1f | %.2f |", l.outputTokenRate, l.goodput))
            }
        }
        if !r.checks.isEmpty {
            out += ["", "### Checks", "", "| | check | passed | failed |", "|---|---|--:|--:|"]
            for c in r.checks {
                out.append("| \(c.fails == 0 ? "✅" : "❌") | \(escape(c.name)) | \(NumberFormat.grouped(c.passes)) | \(NumberFormat.grouped(c.fails)) |")
            }
        }
        out += ["", "<sub>swiftload \(escape(r.tool.version)) · exit code \(r.exitCode)</sub>", ""]
        return out.joined(separator: "\n")
    }

    public static func write(_ r: RunResult, to path: String) throws {
        try AtomicFile.write(Data(render(r).utf8), to: path)
    }

    /// Text in a table cell: pipes and Markdown's markup characters escaped, no line breaks.
    static func escape(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "|", "\\", "*", "_", "`", "[", "]", "<", ">", "#": out.append("\\"); out.append(c)
            case "\n", "\r": out.append(" ")
            default: out.append(c)
            }
        }
        return out
    }

    /// Text inside a code span: only pipes (which end a table cell) and backticks change.
    static func code(_ s: String) -> String {
        s.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "`", with: "'").replacingOccurrences(of: "\n", with: " ")
    }
}
