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
            swiftload report rest-sweep.json grpc-sweep.json --html sweeps.html   (sweeps' curves on one page)

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
        if html == nil && out.isEmpty && !results.allSatisfy({ Self.sweepData($0) != nil }) {
            throw ValidationError("say what to write: --html PATH or --out FORMAT=PATH")
        }
        if results.count > 1 && !out.isEmpty { throw ValidationError("--out takes a single result; several results compare with --html") }
        if label.count > results.count { throw ValidationError("\(label.count) labels for \(results.count) results") }
    }

    func run() throws {
        let outputs = try OutputArgument.parse(out, allowed: ["json", "csv", "junit", "summary", "html"])
        if let sweeps = try readSweeps() {
            try report(sweeps: sweeps)
            return
        }
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

    /// The files as sweeps (`swiftload sweep -o json=…`), nil when they are run results; an error
    /// when they mix the two.
    private func readSweeps() throws -> [SweepResult]? {
        var sweeps: [SweepResult] = []
        for path in results {
            guard let data = Self.sweepData(path) else { continue }
            do { sweeps.append(try JSONDecoder().decode(SweepResult.self, from: data)) } catch {
                throw CLIError("cannot use sweep \(path): it is not a complete sweep result")
            }
        }
        if sweeps.isEmpty { return nil }
        if sweeps.count < results.count { throw CLIError("give either run results or sweep results, not both") }
        return sweeps
    }

    /// Sweeps: the answers on standard output, and one page of their curves (a single sweep's own page).
    private func report(sweeps: [SweepResult]) throws {
        if !out.isEmpty { throw CLIError("sweep results render as --html only") }
        let entries = zip(labels(), sweeps).map { SweepComparison.Entry(label: $0, sweep: $1) }
        if let problem = SweepComparison.problem(entries) { throw CLIError(problem) }
        FileHandle.standardOutput.write(Data(SweepComparison.console(entries).utf8))
        guard let html else { return }
        do { try ReportWriter.preflight([html]) } catch { throw CLIError("\(error)") }
        let page = sweeps.count == 1 ? SweepReport.html(sweeps[0]) : SweepComparison.html(entries)
        try write { try AtomicFile.write(Data(page.utf8), to: html) }
        FileHandle.standardError.write(Data("wrote html \(sweeps.count == 1 ? "sweep" : "sweep comparison"): \(html)\n".utf8))
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

    /// The file's contents when it is a sweep result (steps, no result schema version).
    static func sweepData(_ path: String) -> Data? {
        guard let data = FileManager.default.contents(atPath: path),
              let doc = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              doc["steps"] != nil, doc["schemaVersion"] == nil else { return nil }
        return data
    }

    private func write(_ body: () throws -> Void) throws {
        do { try body() } catch { throw CLIError("\(error)", code: 1) }
    }
}
