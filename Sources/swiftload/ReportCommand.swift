import ArgumentParser
import Foundation
import SwiftLoad

/// `swiftload report RESULT.json… --html PATH`: render saved results again. One result gives its
/// report (and any `--out` format); several give a side-by-side comparison.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Render saved results (--out json) as HTML, or compare several runs side by side.",
        discussion: """
            swiftload report run.json --html run.html
            swiftload report mlserver_rest.json mlserver_grpc.json fastapi.json --html compare.html
            swiftload report run.json -o csv=run.csv -o junit=run.xml

            With several results the first is the baseline the others are compared against.
            Runs are named after their files unless --label names them.
            """)

    @Argument(help: "Result files written by 'swiftload run --out json=PATH'.")
    var results: [String]

    @Option(help: "Write the HTML report (one result) or comparison (several) here.")
    var html: String?

    @Option(name: [.short, .customLong("out")], help: ArgumentHelp("Also write FORMAT=PATH from a single result: json, csv, junit or summary (repeatable).", valueName: "FORMAT=PATH"))
    var out: [String] = []

    @Option(help: "Name a run in the comparison, in the order of the files (repeatable).")
    var label: [String] = []

    func validate() throws {
        if results.isEmpty { throw ValidationError("give at least one result file") }
        if html == nil && out.isEmpty { throw ValidationError("say what to write: --html PATH or --out FORMAT=PATH") }
        if results.count > 1 && !out.isEmpty { throw ValidationError("--out takes a single result; several results compare with --html") }
        if label.count > results.count { throw ValidationError("\(label.count) labels for \(results.count) results") }
    }

    func run() throws {
        let outputs = try OutputArgument.parse(out, allowed: ["json", "csv", "junit", "summary", "html"])
        var loaded: [RunResult] = []
        for path in results {
            do {
                loaded.append(try ResultFile.read(path))
            } catch {
                throw CLIError("cannot use result \(error)")
            }
        }
        do {
            try ReportWriter.preflight((html.map { [$0] } ?? []) + outputs.map(\.path))
        } catch {
            throw CLIError("\(error)")
        }
        if let html {
            let page: String
            if loaded.count == 1 {
                page = HTMLReport.render(loaded[0])
            } else {
                page = HTMLComparison.render(zip(labels(), loaded).map { HTMLComparison.Run(label: $0, result: $1) })
            }
            try write { try AtomicFile.write(Data(page.utf8), to: html) }
            FileHandle.standardError.write(Data("wrote html \(loaded.count == 1 ? "report" : "comparison"): \(html)\n".utf8))
        }
        for o in outputs {
            try write { try ReportWriter.write(loaded[0], format: o.format, to: o.path) }
            FileHandle.standardError.write(Data("wrote \(o.format) report: \(o.path)\n".utf8))
        }
    }

    /// `--label`s, then file names without their extension; repeated names get a number.
    private func labels() -> [String] {
        var seen: [String: Int] = [:]
        return results.enumerated().map { i, path in
            let base = i < label.count ? label[i] : URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
            seen[base, default: 0] += 1
            return seen[base]! > 1 ? "\(base) (\(seen[base]!))" : base
        }
    }

    private func write(_ body: () throws -> Void) throws {
        do { try body() } catch { throw CLIError("\(error)", code: 1) }
    }
}
