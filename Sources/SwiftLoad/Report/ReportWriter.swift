import Foundation

/// Writes the reports `--out` asks for, each atomically (the NDJSON stream aside).
public enum ReportWriter {
    /// Every `--out` format and what it writes.
    public static let formats: [(name: String, description: String)] = [
        ("json", "the whole result (schema/result.schema.json)"),
        ("html", "a self-contained HTML report"),
        ("csv", "Locust-style statistics, plus _history.csv and _failures.csv"),
        ("junit", "JUnit XML, one test case per threshold"),
        ("ndjson", "one JSON line per second while the run goes, then the totals"),
        ("summary", "compact JSON per metric (k6's --summary-export shape)"),
        ("markdown", "a CI job summary: verdict, requests per name, thresholds ($GITHUB_STEP_SUMMARY)"),
        ("gitlab", "GitLab's load performance report (load-performance.json: checks, TTFB p90/p95, RPS)"),
        ("hlog", "an HdrHistogram interval log of request durations, one histogram a second (run only)"),
        ("prometheus-rw", "the per-second metrics pushed to a Prometheus remote write URL while the run goes (run only)"),
    ]

    public static func write(_ r: RunResult, format: String, to path: String) throws {
        switch format {
        case "json": try JSONReport.write(r, to: path)
        case "html": try AtomicFile.write(Data(HTMLReport.render(r).utf8), to: path)
        case "csv": try CSVReport.write(r, to: path)
        case "junit": try JUnitReport.write(r, to: path)
        case "summary": try SummaryReport.write(r, to: path)
        case "markdown": try MarkdownReport.write(r, to: path)
        case "gitlab": try SummaryReport.write(r, to: path, gitlab: true)
        case "prometheus-rw":
            throw AtomicFile.WriteError(path: path, reason: "metrics are pushed while a run goes (swiftload run --out prometheus-rw=URL), not from a saved result")
        case "hlog":
            throw AtomicFile.WriteError(path: path, reason: "an interval log is written while a run goes (swiftload run --out hlog=PATH); a saved result has no per-second histograms")
        default: throw AtomicFile.WriteError(path: path, reason: "unknown format \(format)")
        }
    }

    /// Checks before any load that each report's folder can be created and written, so a long
    /// run never ends with nowhere to put its results.
    public static func preflight(_ paths: [String]) throws(AtomicFile.WriteError) {
        for path in paths {
            let dir = URL(fileURLWithPath: path).deletingLastPathComponent()
            do {
                try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            } catch {
                throw AtomicFile.WriteError(path: path, reason: "cannot create folder \(dir.path)")
            }
            guard access(dir.path, W_OK) == 0 else {
                throw AtomicFile.WriteError(path: path, reason: "folder \(dir.path) is not writable")
            }
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue {
                throw AtomicFile.WriteError(path: path, reason: "is a folder")
            }
        }
    }
}
