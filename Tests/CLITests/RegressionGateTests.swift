import Foundation
import Testing
import TestSupport

/// The CI recipe of docs/ci.md, run locally: start a target, run scenarios/regression_gate.swift,
/// compare against a baseline. A target made 30 % slower must fail the gate; an unchanged one
/// must pass it in at least 19 of 20 repetitions. Plus `compare`'s bad input and outputs.
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

        // Twenty comparisons of two runs of the unchanged target (21 runs, each compared with the
        // one before it): the gate may cry wolf at most once.
        var passes = 0
        var changes: [String] = []
        try Self.run(server, into: dir + "/run0.json")
        for i in 1...20 {
            try Self.run(server, into: dir + "/run\(i).json")
            let r = try Self.compare([dir + "/run\(i - 1).json", dir + "/run\(i).json", "--max-regression", "p(99)=10%"])
            #expect(r.status == 0 || r.status == 99, "\(r.stderr)")
            if r.status == 0 { passes += 1 }
            changes.append(r.stdout.split(separator: "\n").first { $0.hasPrefix("api ") }.map(String.init) ?? "?")
        }
        print("regression gate, unchanged target: \(passes) of 20 comparisons passed (false alarms: \(20 - passes))")
        for c in changes { print("  \(c)") }
        #expect(passes >= 19, "false alarms: \(20 - passes) of 20\n\(changes.joined(separator: "\n"))")
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
}
