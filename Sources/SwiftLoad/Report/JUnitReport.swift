import Foundation

/// `--out junit=PATH`: one test case per threshold, so CI systems show a failed gate natively,
/// and one for the run itself (failed when it was interrupted or stopped early). The file has
/// failures exactly when the exit code says the run did not pass.
public enum JUnitReport {
    public static func render(_ r: RunResult) -> String {
        let name = r.run.script.map { URL(fileURLWithPath: $0).deletingPathExtension().lastPathComponent } ?? "load test"
        var cases: [String] = []
        var failures = 0
        let runFailed = r.run.interrupted
        if runFailed { failures += 1 }
        cases.append(testCase(name: "run completed", className: "swiftload.\(name)", seconds: r.run.durationSeconds,
                              failure: runFailed ? ("run stopped early", "interrupted: \(r.run.interruptReason ?? "stopped")", "stopped") : nil))
        for t in r.thresholds {
            let actual = t.actualText
            if !t.passed { failures += 1 }
            cases.append(testCase(name: "\(t.metric): \(t.condition)", className: "swiftload.\(name).thresholds", seconds: 0,
                                  failure: t.passed ? nil : ("threshold crossed: actual \(actual)",
                                                             "\(t.metric) \(t.condition) failed: actual \(actual)", "threshold"),
                                  output: "actual \(actual)"))
        }
        let time = String(format: "%.3f", r.run.durationSeconds)
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <testsuites name="swiftload" tests="\(cases.count)" failures="\(failures)" errors="0" time="\(time)">
              <testsuite name="\(xml(name))" tests="\(cases.count)" failures="\(failures)" errors="0" skipped="0" time="\(time)" timestamp="\(xml(r.run.startTime))" hostname="\(xml(r.run.machine.hostname))">
            \(cases.joined(separator: "\n"))
              </testsuite>
            </testsuites>

            """
    }

    public static func write(_ r: RunResult, to path: String) throws {
        try AtomicFile.write(Data(render(r).utf8), to: path)
    }

    static func testCase(name: String, className: String, seconds: Double, failure: (message: String, text: String, type: String)?,
                                 output: String? = nil) -> String {
        var out = "    <testcase name=\"\(xml(name))\" classname=\"\(xml(className))\" time=\"\(String(format: "%.3f", seconds))\""
        guard failure != nil || output != nil else { return out + "/>" }
        out += ">"
        if let failure {
            out += "<failure message=\"\(xml(failure.message))\" type=\"\(failure.type)\">\(xml(failure.text))</failure>"
        }
        if let output { out += "<system-out>\(xml(output))</system-out>" }
        return out + "</testcase>"
    }

    /// XML escaping, dropping characters XML 1.0 cannot carry.
    static func xml(_ s: String) -> String {
        var out = ""
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default:
                if c.value < 0x20 && c != "\t" && c != "\n" && c != "\r" { continue }
                out.unicodeScalars.append(c)
            }
        }
        return out
    }
}
