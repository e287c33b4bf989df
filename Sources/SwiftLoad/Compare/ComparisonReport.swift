import Foundation

/// The renderings of a `RunComparison`: a console table, JUnit XML (one test case per compared
/// statistic) and JSON.
public enum ComparisonReport {
    public static func text(_ c: RunComparison) -> String {
        var out = ["baseline  \(c.baseline)", "current   \(c.current)",
                   "limits    \(c.tolerances.joined(separator: ", ")) at \(Int((c.confidence * 100).rounded()))% confidence", ""]
        let ciHead = "\(Int((c.confidence * 100).rounded()))% CI"
        var table = [["name", "stat", "baseline", "current", "change", ciHead, "limit", "verdict"]]
        for r in c.rows {
            let rate = r.unit == "rate"
            table.append([r.name, r.statistic, value(r.baseline, rate), value(r.current, rate),
                          RunComparison.change(r.change, rate: rate),
                          "[\(RunComparison.change(r.changeLow, rate: rate)), \(RunComparison.change(r.changeHigh, rate: rate))]",
                          RunComparison.change(r.limit, rate: rate),
                          r.verdict == .regression ? "REGRESSION" : r.verdict.rawValue])
        }
        let widths = table[0].indices.map { col in table.map { $0[col].count }.max()! }
        for row in table {
            out.append(zip(row, widths).enumerated().map { i, cell in
                let pad = String(repeating: " ", count: cell.1 - cell.0.count)
                return i >= 2 && i <= 4 ? pad + cell.0 : cell.0 + pad   // numbers right-aligned
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces))
        }
        out.append("")
        for r in c.rows where r.verdict == .regression || r.verdict == .inconclusive {
            out.append("\(r.name): \(r.summary)")
        }
        for n in c.notes { out.append("note: \(n)") }
        out.append(c.regressions == 0
                   ? "verdict: PASS (\(c.rows.count) comparison\(c.rows.count == 1 ? "" : "s"), no regression)"
                   : "verdict: REGRESSION in \(c.regressions) of \(c.rows.count) comparisons (exit \(c.exitCode))")
        return out.joined(separator: "\n") + "\n"
    }

    private static func value(_ v: Double, _ rate: Bool) -> String {
        rate ? String(format: "%.2f%%", v * 100) : DurationFormat.milliseconds(v)
    }

    public static func junit(_ c: RunComparison) -> String {
        let cases = c.rows.map { r in
            JUnitReport.testCase(name: "\(r.name) \(r.statistic)", className: "swiftload.compare", seconds: 0,
                                 failure: r.verdict == .regression ? ("regression: \(r.summary)", r.summary, "regression") : nil,
                                 output: r.summary)
        }
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <testsuites name="swiftload compare" tests="\(cases.count)" failures="\(c.regressions)" errors="0">
              <testsuite name="\(JUnitReport.xml("\(c.current) vs \(c.baseline)"))" tests="\(cases.count)" failures="\(c.regressions)" errors="0" skipped="0">
            \(cases.joined(separator: "\n"))
              </testsuite>
            </testsuites>

            """
    }

    public static func json(_ c: RunComparison) throws -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try e.encode(c)
    }
}
