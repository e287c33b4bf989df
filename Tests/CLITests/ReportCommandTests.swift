import Foundation
import Testing
import TestSupport

/// Every `--out` format from a real run, `swiftload report` on saved results (one, several and
/// broken ones), and the HTML report opened in headless Chromium.
@Suite(.serialized) struct ReportCommandTests {
    static let scenario = """
        import SwiftLoad

        @main struct Shop: LoadTest {
            static let options = Options(
                scenarios: [
                    "browse": .rampingVUs(stages: [.ramp(to: 4, over: .seconds(2)), .hold(4, for: .seconds(1))]),
                    "api": .constantArrivalRate(40, duration: .seconds(3), preAllocatedVUs: 2, maxVUs: 4),
                ],
                thresholds: ["http_req_duration{name:home}": "p(99) < 5s", "http_req_failed": "rate < 50%"])

            static func iteration(_ vu: VU) async throws {
                let base = vu.env["TARGET", default: "http://127.0.0.1:9"]
                let r = try await vu.http.get(base + "/delay?ms=\\(5 + vu.iteration % 20)", name: "home")
                vu.check(r, "status is 200") { $0.status == 200 }
                try await vu.group("checkout") {
                    _ = try await vu.http.get(base + "/status?code=\\(vu.iteration % 5 == 0 ? 500 : 200)", name: "pay")
                }
                try await vu.think(.uniform(.milliseconds(20), .milliseconds(60)))
            }
        }
        """

    /// One real run writing every format, shared by the tests below.
    static let run: (dir: String, status: Int32, stderr: String) = {
        let server = try! FixtureServer()
        let script = try! CLI.writeScenario(scenario, name: "shop.swift")
        let dir = URL(fileURLWithPath: script).deletingLastPathComponent().path
        let r = try! CLI.run(["run", script, "-q", "-e", "TARGET=\(server.base)",
                              "-o", "json=out/run.json", "-o", "html=out/run.html", "-o", "csv=out/run.csv",
                              "-o", "junit=out/run.xml", "-o", "ndjson=out/run.ndjson", "-o", "summary=out/summary.json"], in: dir)
        return (dir, r.status, r.stderr)
    }()

    @Test func everyFormatIsWrittenAndTheJSONMatchesTheSchema() throws {
        let (dir, status, stderr) = Self.run
        #expect(status == 0, "\(stderr)")
        for file in ["run.json", "run.html", "run.csv", "run_history.csv", "run_failures.csv", "run.xml", "run.ndjson", "summary.json"] {
            #expect(FileManager.default.fileExists(atPath: "\(dir)/out/\(file)"), "\(file) missing")
        }
        #expect(SchemaValidator.shared.problems(inFileAt: dir + "/out/run.json") == [])
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir + "/out").filter { $0.hasSuffix(".tmp") }
        #expect(leftovers.isEmpty)
        let ndjson = try String(contentsOfFile: dir + "/out/run.ndjson", encoding: .utf8).split(separator: "\n")
        #expect(ndjson.count >= 5)
        #expect(ndjson.first?.contains("\"type\":\"start\"") == true)
        #expect(ndjson.last?.contains("\"type\":\"end\"") == true)
    }

    @Test func theHTMLReportOpensCleanlyInARealBrowserWithItsChartsDrawn() throws {
        let (dir, status, _) = Self.run
        try #require(status == 0)
        let shot = dir + "/out/report.png"
        let seen = try BrowserCheck.open(dir + "/out/run.html", screenshot: shot)
        #expect(seen.errors.isEmpty, "\(seen.errors)")
        #expect(seen.page.title.hasPrefix("shop.swift"))
        // The result's own verdict: passed, or tainted when a stall of the shared machine dropped
        // an iteration (a full run saw one); the thresholds pass either way.
        let result = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/out/run.json"))) as? [String: Any]
        let tainted = (result?["run"] as? [String: Any])?["tainted"] as? Bool == true
        #expect(seen.page.verdict?.hasPrefix(tainted ? "Tainted" : "Passed") == true
                && seen.page.verdict?.contains("all 2 thresholds passed") == true, "\(seen.page.verdict ?? "")")
        #expect(seen.page.scripts == 0)
        // Throughput, latency, VUs, errors and dropped iterations over time, and the spectrum.
        #expect(seen.page.charts >= 6)
        #expect(seen.page.drawn.count >= 6, "\(seen.page.drawn)")
        #expect(seen.page.drawn.allSatisfy { $0[0] > 200 && $0[1] > 60 }, "\(seen.page.drawn)")
        #expect(seen.page.series.filter { $0 >= 3 }.count >= 8, "\(seen.page.series)")
        // Fits a laptop screen without sideways scrolling.
        #expect(seen.page.width <= 1280)
        let png = try Data(contentsOf: URL(fileURLWithPath: shot))
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]) && png.count > 20_000)
    }

    @Test func aSavedResultRendersAgainAndSeveralCompare() throws {
        let (dir, status, _) = Self.run
        try #require(status == 0)
        let again = try CLI.run(["report", "out/run.json", "--html", "again/report.html", "-o", "junit=again/j.xml"], in: dir)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stderr.contains("wrote html report: again/report.html"))
        let html = try String(contentsOfFile: dir + "/again/report.html", encoding: .utf8)
        #expect(html.contains("<h2>Groups</h2>"))
        try FileManager.default.copyItem(atPath: dir + "/out/run.json", toPath: dir + "/out/second.json")
        let compare = try CLI.run(["report", "out/run.json", "out/second.json", "--html", "cmp.html", "--label", "baseline"], in: dir)
        #expect(compare.status == 0, "\(compare.stderr)")
        let page = try String(contentsOfFile: dir + "/cmp.html", encoding: .utf8)
        #expect(page.contains("Comparison: baseline · second"))
        let seen = try BrowserCheck.open(dir + "/cmp.html")
        #expect(seen.errors.isEmpty, "\(seen.errors)")
        #expect(seen.page.charts == 3)
    }

    @Test func brokenResultsAreOneLineErrorsWithExitCodeTwo() throws {
        let (dir, status, _) = Self.run
        try #require(status == 0)
        let good = try String(contentsOfFile: dir + "/out/run.json", encoding: .utf8)
        try String(good.prefix(good.count / 2)).write(toFile: dir + "/truncated.json", atomically: true, encoding: .utf8)
        try good.replacingOccurrences(of: "\"schemaVersion\" : 2", with: "\"schemaVersion\" : 99")
            .write(toFile: dir + "/newer.json", atomically: true, encoding: .utf8)
        try good.replacingOccurrences(of: "\"significantDigits\" : 3", with: "\"significantDigits\" : 4")
            .write(toFile: dir + "/coarse.json", atomically: true, encoding: .utf8)
        let cases: [([String], String)] = [
            (["report", "missing.json", "--html", "x.html"], "missing.json: no such file"),
            (["report", "truncated.json", "--html", "x.html"], "truncated.json: is not complete JSON"),
            (["report", "newer.json", "--html", "x.html"], "was written with result schema 99"),
            (["report", "out/run.json", "coarse.json", "--html", "x.html"], "cannot be merged"),
            (["report", "out/run.json"], "say what to write"),
            (["report", "out/run.json", "out/run.json", "-o", "csv=x.csv"], "--out takes a single result"),
        ]
        for (arguments, message) in cases {
            let r = try CLI.run(arguments, in: dir)
            #expect(r.status == 2, "\(arguments): \(r.status) \(r.stderr)")
            #expect(r.stderr.split(separator: "\n").count == 1, "\(arguments): \(r.stderr)")
            #expect(r.stderr.contains(message), "\(arguments): \(r.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: dir + "/x.html"))
    }

    @Test func aReportThatCannotBeWrittenStopsTheRunBeforeItStarts() throws {
        let script = try CLI.writeScenario(Self.scenario, name: "shop.swift")
        let dir = URL(fileURLWithPath: script).deletingLastPathComponent().path
        try "".write(toFile: dir + "/blocker", atomically: true, encoding: .utf8)
        let r = try CLI.run(["run", script, "-q", "-o", "html=blocker/run.html"], in: dir)
        #expect(r.status == 2)
        #expect(r.stderr.contains("cannot write blocker/run.html"), "\(r.stderr)")
        #expect(r.stderr.contains("nothing was run"))
        #expect(!r.stdout.contains("iterations"))
    }
}
