import ArgumentParser
import Foundation
import SwiftLoad

/// `swiftload compare BASELINE.json CURRENT.json`: the CI regression gate. Exit 0 when nothing
/// regressed with confidence, 99 when something did, 2 for bad input.
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare a run against a baseline and fail on a latency or error-rate regression.",
        discussion: """
            swiftload compare baseline.json current.json
            swiftload compare baseline.json current.json --max-regression 'p(99)=10%' --max-regression 'p(95)=5%' --name infer
            swiftload compare baseline.json current.json --junit compare.xml --json compare.json

            Each request name both runs have is compared on every limit (default: p(99)=10% and
            error_rate=1%, i.e. one percentage point). A change counts as a regression only when
            its whole confidence interval, computed from the recorded histograms, lies beyond the
            limit; a change beyond the limit that noise could explain is reported as inconclusive
            and passes.

            Exit codes: 0 no regression, 99 regression, 2 bad input (unreadable or incompatible
            results, unknown request names, malformed limits).
            """)

    @Argument(help: "The baseline result (swiftload run --out json=PATH).")
    var baseline: String

    @Argument(help: "The result to judge against the baseline.")
    var current: String

    @Option(name: .customLong("max-regression"), help: ArgumentHelp("A limit: p(N)=PCT, med=PCT, avg=PCT or error_rate=POINTS (repeatable).", valueName: "STAT=LIMIT"))
    var maxRegression: [String] = []

    @Option(help: ArgumentHelp("Compare only this request name (repeatable); default: every name in both runs.", valueName: "NAME"))
    var name: [String] = []

    @Option(help: "Confidence level of the intervals, between 0.5 and 0.999.")
    var confidence: Double = 0.95

    @Option(help: "Also write the comparison as JUnit XML here.")
    var junit: String?

    @Option(help: "Also write the comparison as JSON here.")
    var json: String?

    @Flag(name: .shortAndLong, help: "Print only the verdict line.")
    var quiet = false

    func validate() throws {
        guard confidence >= 0.5 && confidence <= 0.999 else {
            throw ValidationError("--confidence must be between 0.5 and 0.999 (got \(confidence))")
        }
    }

    func run() throws {
        var tolerances: [RegressionTolerance] = []
        for spec in maxRegression {
            do { tolerances.append(try RegressionTolerance.parse(spec)) } catch { throw CLIError("\(error)") }
        }
        let base: RunResult, cur: RunResult
        do {
            base = try ResultFile.read(baseline)
            cur = try ResultFile.read(current)
        } catch {
            throw CLIError("cannot use result \(error)")
        }
        do {
            try ReportWriter.preflight([junit, json].compactMap { $0 })
        } catch {
            throw CLIError("\(error)")
        }
        let comparison: RunComparison
        do {
            comparison = try RunComparison.compare(baseline: base, current: cur, baselineLabel: describe(baseline, base),
                                                   currentLabel: describe(current, cur),
                                                   tolerances: tolerances.isEmpty ? RegressionTolerance.defaults : tolerances,
                                                   names: name, confidence: confidence)
        } catch {
            throw CLIError("cannot compare: \(error)")
        }
        do {
            if let junit { try AtomicFile.write(Data(ComparisonReport.junit(comparison).utf8), to: junit) }
            if let json { try AtomicFile.write(try ComparisonReport.json(comparison), to: json) }
        } catch {
            throw CLIError("\(error)", code: 1)
        }
        let text = ComparisonReport.text(comparison)
        print(quiet ? String(text.split(separator: "\n").last ?? "") : text, terminator: quiet ? "\n" : "")
        if comparison.exitCode != 0 { Foundation.exit(Int32(comparison.exitCode)) }
    }

    private func describe(_ path: String, _ r: RunResult) -> String {
        "\(path) (\(r.run.startTime), \(String(format: "%.1f", r.run.durationSeconds)) s, \(r.requests.count) requests)"
    }
}
