import Foundation
import Testing
import TestSupport

/// `--dashboard` opened in headless Chromium while a run goes: the page's numbers move as the
/// seconds pass, it loads nothing from anywhere else, and at the end it shows the result's own
/// numbers and keeps the HTML report.
@Suite(.serialized) struct DashboardTests {
    static let scenario = """
        import SwiftLoad

        @main struct Live: LoadTest {
            static let options = Options(scenarios: ["open": .constantArrivalRate(100, duration: .seconds(6), preAllocatedVUs: 5)],
                                         thresholds: ["http_req_duration{name:ok}": "p(99) < 1s"], baseURL: "http://127.0.0.1:9")
            static func iteration(_ vu: VU) async throws {
                try await vu.http.get("/ok", name: "ok")
            }
        }
        """

    @Test func thePageFollowsTheRunAndEndsWithTheResultsNumbers() throws {
        let target = try FixtureServer()
        let script = try CLI.writeScenario(Self.scenario)
        let dir = URL(fileURLWithPath: script).deletingLastPathComponent().path
        // Compiled first, so the page opens as the load starts.
        _ = try CLI.run(["inspect", script, "-q"])
        let port = Ports.free(), devtools = Ports.free()
        // The browser first: it waits for the dashboard to answer, so a slow Chromium start on a
        // busy machine cannot miss a 6 s run.
        let check = try ChildProcess(try Paths.testPython(), [Paths.fixtures + "/dashboard_check.py", "http://127.0.0.1:\(port)/", String(devtools)],
                                     logDir: Paths.temporaryDirectory("browser"), name: "dashboard_check")
        defer { check.stop() }
        let run = try CLI.start(["run", script, "-q", "-e", "BASE_URL=\(target.base)", "--dashboard-address", "127.0.0.1:\(port)",
                                 "-o", "json=\(dir)/r.json"])
        #expect(run.waitForOutput(timeout: 60) { _ in run.stderr.contains("dashboard: http://127.0.0.1:\(port)/") }, "\(run.stderr)")
        #expect(check.wait(timeout: 200) == 0, "\(check.stderr)")
        #expect(run.wait(timeout: 60) == 0, "\(run.stderr)")
        let seen = try #require((try? JSONSerialization.jsonObject(with: Data(check.stdout.utf8))) as? [String: Any],
                                "the browser check printed no result: \(check.stderr)")
        #expect((seen["errors"] as? [String]) == [], "\(seen)")
        let samples = (seen["samples"] as? [String] ?? []).filter { $0 != "–" }
        // During the run the count grew: several different values before the final one.
        #expect(Set(samples).count >= 3, "the page did not update during the run: \(samples)")
        let page = try #require(seen["page"] as? [String: Any])
        let result = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/r.json"))) as? [String: Any]
        let requests = try #require(result?["requests"] as? [String: Any])
        let count = try #require(requests["count"] as? Int)
        #expect(page["requests"] as? String == ReportText.grouped(count), "\(page) vs \(count)")
        let p99 = try #require((requests["duration"] as? [String: Any])?["p99"] as? Double)
        #expect((page["p99"] as? String)?.hasPrefix(String(format: p99 >= 10 ? "%.1f" : "%.2f", p99)) == true, "\(page) vs p99 \(p99)")
        // The result's own verdict: passed, or tainted when a stall of the shared machine made
        // iterations start late (the page says what the report says).
        let tainted = (result?["run"] as? [String: Any])?["tainted"] as? Bool == true
        #expect((page["verdict"] as? String)?.hasPrefix(tainted ? "Tainted" : "Passed") == true, "\(page)")
        #expect(Int(page["report"] as? String ?? "0") ?? 0 > 10_000, "the page keeps the HTML report: \(page)")
        #expect((page["drawn"] as? [Int])?.allSatisfy { $0 >= 3 } == true, "\(page)")

        // A port that is taken: one line, exit 2, nothing run.
        let taken = try CLI.run(["run", script, "-q", "--dashboard-address", "127.0.0.1:\(target.port)"])
        #expect(taken.status == 2 && taken.stderr.contains("cannot serve the dashboard on 127.0.0.1:\(target.port)"), "\(taken.stderr)")
    }
}
