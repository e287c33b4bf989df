import Foundation
import Testing
import TestSupport

/// The CI recipe of docs/ci.md, run locally: start a target, run scenarios/regression_gate.swift,
/// compare against a baseline. A target made 30 % slower must fail the gate; an unchanged one
/// must pass it in at least 9 of 10 repetitions. Plus `compare`'s bad input and outputs.
@Suite(.serialized) struct RegressionGateTests {
    static let gate = Paths.packageRoot + "/scenarios/regression_gate.swift"

    /// One gate run against the fixture's model-like route (20 ms plus an exponential tail):
    /// 500 requests a second for 12 s, 6,000 samples. Twelve full seconds let `compare` see how
    /// much latency moved from second to second, so a disturbance of a few seconds widens the
    /// interval instead of covering a whole run.
    static func run(_ server: FixtureServer, into path: String) throws {
        let r = try CLI.run(["run", gate, "-q", "-e", "TARGET=\(server.base)", "-e", "PATH_UNDER_TEST=/model",
                             "--rate", "500", "--duration", "12s", "-o", "json=\(path)"])
        #expect(r.status == 0, "gate run failed: \(r.stderr)\n\(r.stdout)")
    }

    static func compare(_ arguments: [String]) throws -> CLI.Result {
        try CLI.run(["compare"] + arguments)
    }

    @Test func aThirtyPercentSlowerTargetFailsAndAnUnchangedOnePasses() throws {
        let server = try FixtureServer()
        let dir = Paths.temporaryDirectory("gate")
        // An unrecorded first run: compiles the scenario and warms the server.
        try Self.run(server, into: dir + "/warm-up.json")

        // The target made 30 % slower. On a shared machine a whole run can drift by 20 % or more
        // (docs/ci.md), and a baseline caught high hides part of the slowdown: a second
        // baseline-and-slower pair is allowed, and the gate must fail one of the two.
        var attempt: CLI.Result?
        for _ in 1...2 where attempt?.status != 99 {
            try Self.run(server, into: dir + "/baseline.json")
            _ = try HTTPGet.fetch(server.base + "/slowdown?factor=1.3")
            try Self.run(server, into: dir + "/slower.json")
            _ = try HTTPGet.fetch(server.base + "/slowdown?factor=1")
            attempt = try Self.compare([dir + "/baseline.json", dir + "/slower.json", "--max-regression", "p(99)=10%",
                                        "--junit", dir + "/compare.xml", "--json", dir + "/compare.json"])
        }
        let slower = try #require(attempt)
        #expect(slower.status == 99, "\(slower.stdout)\(slower.stderr)")
        #expect(slower.stdout.range(of: #"api: p\(99\) \+\d+\.\d% \[95% CI \+\d+\.\d%, \+\d+\.\d%\] > \+10\.0%: REGRESSION"#,
                                    options: .regularExpression) != nil, "\(slower.stdout)")
        #expect(slower.stdout.contains("verdict: REGRESSION in 1 of 1 comparisons"))
        // The CI-facing outputs say the same.
        let junit = try String(contentsOfFile: dir + "/compare.xml", encoding: .utf8)
        #expect(junit.contains("failures=\"1\"") && junit.contains("<failure message=\"regression: p(99)"))
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/compare.json"))) as? [String: Any]
        #expect(json?["exitCode"] as? Int == 99)
        #expect((json?["rows"] as? [[String: Any]])?.first?["verdict"] as? String == "regression")

        // Ten comparisons of two runs of the unchanged target (11 runs, each compared with the
        // one before it): the gate may cry wolf at most once. (Twenty, as docs/ci.md measured,
        // cost two more minutes of every test run for little more certainty.)
        var passes = 0
        var changes: [String] = []
        try Self.run(server, into: dir + "/run0.json")
        for i in 1...10 {
            try Self.run(server, into: dir + "/run\(i).json")
            let r = try Self.compare([dir + "/run\(i - 1).json", dir + "/run\(i).json", "--max-regression", "p(99)=10%"])
            #expect(r.status == 0 || r.status == 99, "\(r.stderr)")
            if r.status == 0 { passes += 1 }
            changes.append(r.stdout.split(separator: "\n").first { $0.hasPrefix("api ") }.map(String.init) ?? "?")
        }
        print("regression gate, unchanged target: \(passes) of 10 comparisons passed (false alarms: \(10 - passes))")
        for c in changes { print("  \(c)") }
        #expect(passes >= 9, "false alarms: \(10 - passes) of 10\n\(changes.joined(separator: "\n"))")
    }

    @Test func badInputExitsWithTwoAndOneLine() throws {
        let server = try FixtureServer()
        let dir = Paths.temporaryDirectory("gate-bad")
        try Self.run(server, into: dir + "/a.json")
        let good = dir + "/a.json"
        try Data("{\"schemaVersion\": 2, \"tool\":".utf8).write(to: URL(fileURLWithPath: dir + "/truncated.json"))
        var newer = try String(contentsOfFile: good, encoding: .utf8)
        newer = newer.replacingOccurrences(of: "\"schemaVersion\" : 2", with: "\"schemaVersion\" : 99")
        try newer.write(toFile: dir + "/newer.json", atomically: true, encoding: .utf8)
        let cases: [([String], String)] = [
            ([good, dir + "/missing.json"], "missing.json"),
            ([good, dir + "/truncated.json"], "truncated.json"),
            ([good, dir + "/newer.json"], "schema"),
            ([good, good, "--name", "nope"], "no requests named \"nope\" in the baseline (it has api)"),
            ([good, good, "--max-regression", "p(99)=ten"], "the limit must be a non-negative number"),
            ([good, good, "--max-regression", "p(100)=10%"], "unknown statistic \"p(100)\""),
            ([good, good, "--max-regression", "latency"], "expected STAT=LIMIT"),
            ([good, good, "--confidence", "2"], "--confidence must be between"),
            ([good, good, "--junit", good + "/x.xml"], "x.xml"),
            ([good], "Missing expected argument"),
        ]
        for (arguments, message) in cases {
            let r = try Self.compare(arguments)
            #expect(r.status == 2, "\(arguments): \(r.status) \(r.stderr)")
            #expect(r.stderr.contains(message), "\(arguments): \(r.stderr)")
            #expect(r.stderr.split(separator: "\n").count == 1, "\(arguments): \(r.stderr)")
            #expect(r.stdout.isEmpty)
        }
        // A run compared with itself passes, with zero change.
        let same = try Self.compare([good, good, "--max-regression", "p(99)=10%", "--max-regression", "avg=5%", "--max-regression", "med=5%"])
        #expect(same.status == 0, "\(same.stderr)")
        #expect(same.stdout.contains("verdict: PASS (3 comparisons, no regression)"), "\(same.stdout)")
    }

    @Test func abortOnFailFromTheCommandLineStopsEarlyAndStillWritesEveryReport() throws {
        let server = try FixtureServer()
        let dir = Paths.temporaryDirectory("gate-abort")
        let start = Date()
        let r = try CLI.run(["run", Self.gate, "-q", "-e", "TARGET=\(server.base)", "-e", "PATH_UNDER_TEST=/delay?ms=20",
                             "--rate", "100", "--duration", "60s",
                             "--threshold", "http_req_duration{name:api}:p(99)<1ms abortOnFail(1s)",
                             "-o", "json=\(dir)/r.json", "-o", "html=\(dir)/r.html", "-o", "junit=\(dir)/r.xml"])
        #expect(r.status == 99, "\(r.stderr)")
        #expect(Date().timeIntervalSince(start) < 20)
        #expect(r.stdout.contains("STOPPED: threshold http_req_duration{name:api}: p(99)<1ms abortOnFail(1s) failed"), "\(r.stdout)")
        for f in ["r.json", "r.html", "r.xml"] { #expect(FileManager.default.fileExists(atPath: "\(dir)/\(f)"), "\(f)") }
        let html = try String(contentsOfFile: "\(dir)/r.html", encoding: .utf8)
        #expect(html.contains("abortOnFail"))
    }

    /// The steps of docs/ci.md exactly as written there (the target, the folder and a shorter
    /// run substituted): every report the recipe names is written, HdrHistogram's own Python
    /// reader opens the interval log and counts every request, the job summary and GitLab's
    /// report say what the result says, and the comparison with a baseline passes.
    @Test func theRecipeInTheDocsRunsAsWritten() throws {
        let server = try FixtureServer()
        let dir = Paths.temporaryDirectory("recipe")
        let doc = try String(contentsOfFile: Paths.packageRoot + "/docs/ci.md", encoding: .utf8)
        let block = try #require(doc.components(separatedBy: "## The steps").dropFirst().first?
            .components(separatedBy: "```").dropFirst().first)
        let commands = block.replacingOccurrences(of: "\\\n", with: " ").split(separator: "\n")
            .filter { $0.hasPrefix("swiftload ") }.map { Self.words(String($0)).dropFirst().map { word -> String in
                var w = word.replacingOccurrences(of: "http://127.0.0.1:8080", with: server.base)
                w = w.replacingOccurrences(of: "perf/baseline.json", with: dir + "/baseline.json")
                if let eq = w.firstIndex(of: "="), w.hasPrefix("json=") || w.hasPrefix("junit=") || w.hasPrefix("html=")
                    || w.hasPrefix("markdown=") || w.hasPrefix("gitlab=") || w.hasPrefix("hlog=") {
                    w = String(w[...eq]) + dir + "/" + w[w.index(after: eq)...]
                } else if w.hasSuffix(".json") || w.hasSuffix(".xml") {
                    w = w.hasPrefix("/") ? w : dir + "/" + w
                }
                return w
            } }
        #expect(commands.count == 2 && commands[0].first == "run" && commands[1].first == "compare", "\(commands)")
        let run = commands[0] + ["-q", "--duration", "3s", "--rate", "200", "-e", "PATH_UNDER_TEST=/model"]
        // The baseline is the same run, kept as main's would be.
        let first = try CLI.run(run, timeout: 300)
        #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
        try FileManager.default.copyItem(atPath: dir + "/current.json", toPath: dir + "/baseline.json")
        let current = try CLI.run(run, timeout: 300)
        #expect(current.status == 0, "\(current.stdout)\(current.stderr)")
        let compare = try CLI.run(commands[1])
        #expect([0, 99].contains(compare.status) && FileManager.default.fileExists(atPath: dir + "/compare.json"), "\(compare.stdout)")

        let result = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/current.json"))) as? [String: Any]
        let requests = try #require((result?["requests"] as? [String: Any])?["count"] as? Int)
        let p99 = try #require(((result?["requests"] as? [String: Any])?["duration"] as? [String: Any])?["p99"] as? Double)
        // HdrHistogram's own reader: every request of the run, in about one histogram a second.
        let read = try CLI.run([Paths.fixtures + "/read_hlog.py", dir + "/current.hlog"], executable: try Paths.testPython())
        let log = try #require((try? JSONSerialization.jsonObject(with: Data(read.stdout.utf8))) as? [String: Any], "\(read.stderr)")
        #expect(log["count"] as? Int == requests, "\(log) vs \(requests) requests")
        #expect((3...5).contains(log["intervals"] as? Int ?? 0), "\(log)")
        // The same buckets: HdrHistogram's p99 is the result's p99 (µs vs ms).
        #expect(abs((log["p99"] as? Double ?? 0) / 1000 - p99) <= p99 * 0.002 + 0.002, "\(log) vs p99 \(p99) ms")

        let summary = try String(contentsOfFile: dir + "/summary.md", encoding: .utf8)
        #expect(summary.hasPrefix("## ✅ regression\\_gate.swift: Passed"), "\(summary)")
        #expect(summary.contains("| api | \(ReportText.grouped(requests)) |"), "\(summary)")
        #expect(summary.contains("| ✅ | `http_req_duration{name:api}` | `p(99) < 1s abortOnFail(5s)` |"), "\(summary)")
        let gitlab = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/load-performance.json"))) as? [String: Any]
        let metrics = try #require(gitlab?["metrics"] as? [String: [String: Double]])
        #expect(metrics["checks"]?["passes"] == Double(requests) && metrics["checks"]?["fails"] == 0)
        #expect(metrics["http_req_waiting"]?["p(90)"] != nil && metrics["http_req_waiting"]?["p(95)"] != nil)
        #expect((metrics["http_reqs"]?["rate"] ?? 0) > 150)
        #expect(FileManager.default.fileExists(atPath: dir + "/thresholds.xml") && FileManager.default.fileExists(atPath: dir + "/current.html"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/current.hlog.partial"))
    }


    /// A command line split as a POSIX shell splits one without variables: words, and single or
    /// double quotes around text that keeps its spaces.
    static func words(_ line: String) -> [String] {
        var out: [String] = [], word = "", quote: Character?, inWord = false
        for c in line {
            if let q = quote {
                if c == q { quote = nil } else { word.append(c) }
            } else if c == "'" || c == "\"" {
                quote = c
                inWord = true
            } else if c == " " {
                if inWord { out.append(word); word = ""; inWord = false }
            } else {
                word.append(c)
                inWord = true
            }
        }
        if inWord { out.append(word) }
        return out
    }
}
