import ArgumentParser
import Foundation
import SwiftLoad

/// `swiftload merge a.json b.json …`: the JSON results of a test's segments added into the result
/// of the whole test, with thresholds judged again on the sum.
struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Add the results of a test's segments (run --segment i/n) into one result.",
        discussion: """
            swiftload merge seg1.json seg2.json -o json=merged.json -o html=merged.html

            Histograms, counters, checks, statuses and errors add exactly; the thresholds are
            evaluated on the merged data (exit 99 when one fails). Results of different scripts
            or options, overlapping or missing segments, and interrupted or failed segments are
            refused (exit 2); --allow-partial merges missing and incomplete segments anyway and
            marks the result partial. The merged result is an ordinary result: report, compare
            and every output format take it.
            """)

    @Argument(help: "Result files written by 'swiftload run --segment i/n --out json=PATH'.")
    var results: [String]

    @Option(name: [.short, .customLong("out")], help: ArgumentHelp("Write the merged result: json, html, csv, junit or summary, as FORMAT=PATH (repeatable).", valueName: "FORMAT=PATH"))
    var out: [String] = []

    @Flag(help: "Merge even when segments are missing, interrupted or failed; the result is marked partial.")
    var allowPartial = false

    @Flag(name: .shortAndLong, help: "Do not print the summary.")
    var quiet = false

    func validate() throws {
        if results.isEmpty { throw ValidationError("give the result files of the segments to merge") }
    }

    func run() throws {
        let outputs = try OutputArgument.parse(out, allowed: ["json", "html", "csv", "junit", "summary"])
        var inputs: [ResultMerge.Input] = []
        for path in results {
            do {
                inputs.append(ResultMerge.Input(path: path, result: try ResultFile.read(path)))
            } catch {
                throw CLIError("cannot merge \(error)")
            }
        }
        do {
            try ReportWriter.preflight(outputs.flatMap { o -> [String] in
                o.format == "csv" ? [CSVReport.paths(o.path).stats, CSVReport.paths(o.path).history, CSVReport.paths(o.path).failures] : [o.path]
            })
        } catch {
            throw CLIError("\(error)")
        }
        let merged: RunResult
        do {
            merged = try ResultMerge.merge(inputs, allowPartial: allowPartial)
        } catch {
            throw CLIError("cannot merge: \(error.description)", code: Int32(error.exitCode))
        }
        if !quiet { FileHandle.standardOutput.write(Data(ConsoleSummary.render(merged).utf8)) }
        for w in merged.warnings ?? [] where w.hasPrefix("partial merge") {
            FileHandle.standardError.write(Data("warning: \(w)\n".utf8))
        }
        for o in outputs {
            do {
                try ReportWriter.write(merged, format: o.format, to: o.path)
            } catch {
                throw CLIError("\(error)", code: 1)
            }
            FileHandle.standardError.write(Data("wrote \(o.format) report: \(o.path)\n".utf8))
        }
        Foundation.exit(Int32(merged.exitCode))
    }
}
