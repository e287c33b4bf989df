import Foundation
import Testing
import TestSupport

/// `--scrape` against a real Prometheus endpoint: a server that counts its requests with the
/// official Prometheus client library (Tests/Fixtures/metrics_server.py, 3 ms per request). The
/// server's counter must grow by exactly the requests the run sent, its rate and histogram must
/// land in the per-second time series, `server:` thresholds must pass and fail on them, and a
/// dead endpoint must be data (a warning and failed scrapes), not a reason to stop.
@Suite(.serialized) struct ServerMetricsTests {
    static let scenario = """
        import SwiftLoad

        @main struct Scraped: LoadTest {
            static let options = Options(scenarios: ["open": .constantArrivalRate(50, duration: .seconds(4), preAllocatedVUs: 10)])
            static func iteration(_ vu: VU) async throws {
                let r = try await vu.http.get(vu.env["TARGET", default: "http://127.0.0.1:9"] + "/work", name: "work")
                vu.check(r, "ok") { $0.status == 200 }
            }
        }
        """

    static let counter = #"rate(fixture_requests_total{path="/work"})"#

    @Test func theServersCountersMatchTheRunAndLandInEveryReport() throws {
        let server = try MetricsFixture()
        defer { server.stop() }
        let script = try CLI.writeScenario(Self.scenario)
        let dir = Paths.temporaryDirectory("scrape")
        let r = try CLI.run(["run", script, "-q", "--workers", "1", "-e", "TARGET=\(server.base)",
                             "--scrape", "\(server.base)/metrics", "--scrape-include", "fixture_",
                             "--threshold", "server:\(Self.counter):count==200",
                             "--threshold", "server:histogram_quantile(0.5, fixture_request_seconds):max<0.05",
                             "--threshold", "server:fixture_in_flight:max<=10",
                             "-o", "json=\(dir)/r.json", "-o", "html=\(dir)/r.html"], timeout: 120)
        #expect(r.status == 0, "\(r.stdout)\n\(r.stderr)")
        #expect(r.stdout.contains("server metrics (scraped from \(server.base)/metrics)"), "\(r.stdout)")
        #expect(r.stdout.contains("✓ server:\(Self.counter): count==200"), "\(r.stdout)")
        #expect(!r.stdout.contains("python_"), "--scrape-include keeps only fixture_ families")

        let data = try Data(contentsOf: URL(fileURLWithPath: dir + "/r.json"))
        #expect(SchemaValidator.shared.problems(in: data) == [])
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let sent = (json["requests"] as? [String: Any])?["count"] as? Int
        #expect(sent == 200)
        let scraped = try #require(json["serverMetrics"] as? [String: Any])
        let series = try #require(scraped["series"] as? [[String: Any]])
        let rate = try #require(series.first { $0["name"] as? String == Self.counter })
        // The server's own count of what the run did, from just before the load to just after.
        #expect(rate["increase"] as? Double == Double(sent ?? -1), "\(rate)")
        #expect(series.contains { $0["name"] as? String == "histogram_quantile(0.99, fixture_request_seconds)" })
        #expect(series.contains { $0["name"] as? String == "rate(fixture_request_seconds_count)" })
        #expect(!series.contains { ($0["name"] as? String ?? "").contains("_created") }, "creation timestamps are not series")
        let targets = try #require(scraped["targets"] as? [[String: Any]])
        #expect(targets.first?["failures"] as? Int == 0)
        #expect((targets.first?["scrapes"] as? Int ?? 0) >= 5, "a baseline, about one a second, and a final scrape")

        // Whole seconds in the middle of the run: the server saw about 50 requests a second,
        // and its median service time is the 3 ms it sleeps (bucket 0.002–0.004 s).
        let points = try #require(json["timeSeries"] as? [[String: Any]])
        let middle = points.filter { ($0["seconds"] as? Double ?? 0) > 0.9 }.dropFirst().dropLast()
        #expect(!middle.isEmpty)
        for p in middle {
            let values = p["server"] as? [String: Double] ?? [:]
            let perSecond = try #require(values[Self.counter], "\(p)")
            #expect(abs(perSecond - 50) < 20, "\(perSecond)/s")
            let p50 = try #require(values["histogram_quantile(0.5, fixture_request_seconds)"])
            #expect(p50 > 0.002 && p50 <= 0.008, "\(p50)")
        }
        let html = try String(contentsOfFile: dir + "/r.html", encoding: .utf8)
        #expect(html.contains("<h2>Server metrics</h2>") && html.contains("fixture_request_seconds"))
    }

    @Test func aFailingServerThresholdExitsNinetyNineAndADeadEndpointIsData() throws {
        let server = try MetricsFixture()
        defer { server.stop() }
        let script = try CLI.writeScenario(Self.scenario)
        let dead = "http://127.0.0.1:\(Ports.free())/metrics"
        let dir = Paths.temporaryDirectory("scrape-fail")
        let r = try CLI.run(["run", script, "-q", "--duration", "2s", "--workers", "1", "-e", "TARGET=\(server.base)",
                             "--scrape", "\(server.base)/metrics", "--scrape", dead,
                             "--threshold", "server:\(Self.counter):avg<1", "--threshold", "server:no_such_series:max<1",
                             "-o", "json=\(dir)/r.json"], timeout: 120)
        #expect(r.status == 99, "\(r.stdout)\n\(r.stderr)")
        #expect(r.stdout.contains("✗ server:\(Self.counter): avg<1"), "\(r.stdout)")
        #expect(r.stdout.contains("✗ server:no_such_series: max<1  (actual no samples)"), "\(r.stdout)")
        #expect(r.stdout.contains("scrapes of \(dead) failed"), "\(r.stdout)")
        #expect(r.stdout.contains("✓ ok"), "the load itself went on")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/r.json"))) as? [String: Any])
        let targets = try #require((json["serverMetrics"] as? [String: Any])?["targets"] as? [[String: Any]])
        #expect(targets.count == 2)
        #expect(targets[1]["failures"] as? Int == targets[1]["scrapes"] as? Int)
        #expect((targets[1]["lastError"] as? String ?? "").contains("onnect"), "\(targets[1])")
    }

    @Test(arguments: [(["--scrape", "ftp://x/metrics"], "is not an http:// or https:// URL"),
                      (["--scrape", "http:///metrics"], "is not an http:// or https:// URL")])
    func badScrapeTargetsAreRefusedWithOneLine(arguments: [String], message: String) throws {
        let script = try CLI.writeScenario(Self.scenario)
        let r = try CLI.run(["run", script, "-q"] + arguments, timeout: 120)
        #expect(r.status == 2, "\(r.stdout)\n\(r.stderr)")
        #expect(r.stderr.contains(message), "\(r.stderr)")
    }
}
