import Foundation
import Testing
import TestSupport

/// `-o prometheus-rw=URL` against a real Prometheus (Debian's `prometheus`, started here on
/// loopback with its remote write receiver on): a PromQL query over the pushed series returns
/// the run's request count; with native histograms on, `histogram_count` and `histogram_quantile`
/// over the pushed request durations agree with the result, and without them the same push falls
/// back to the gauges; a receiver that is not there is a warning, not a failed run.
@Suite(.serialized) struct PrometheusRemoteWriteTests {
    static let scenario = """
        import SwiftLoad

        @main struct Pushed: LoadTest {
            static let options = Options(scenarios: ["open": .constantArrivalRate(50, duration: .seconds(3), preAllocatedVUs: 5)],
                                         baseURL: "http://127.0.0.1:9")
            static func iteration(_ vu: VU) async throws {
                let r = try await vu.http.get("/ok", name: "ok")
                vu.check(r, "ok") { $0.status == 200 }
            }
        }
        """

    /// A Prometheus on loopback taking remote writes; its base URL.
    static func startPrometheus(_ dir: String, nativeHistograms: Bool) throws -> (ChildProcess, String)? {
        let port = Ports.free()
        try "global:\n  scrape_interval: 1h\n".write(toFile: dir + "/prometheus.yml", atomically: true, encoding: .utf8)
        let prometheus = try ChildProcess("/usr/bin/prometheus", [
            "--config.file=\(dir)/prometheus.yml", "--storage.tsdb.path=\(dir)/data",
            "--web.listen-address=127.0.0.1:\(port)", "--web.enable-remote-write-receiver",
        ] + (nativeHistograms ? ["--enable-feature=native-histograms"] : []), logDir: dir, name: "prometheus")
        let base = "http://127.0.0.1:\(port)"
        let deadline = Date().addingTimeInterval(30)
        while (try? HTTPGet.fetch(base + "/-/ready")).map({ String(decoding: $0, as: UTF8.self).contains("Ready") }) != true {
            guard Date() < deadline else {
                Issue.record("Prometheus did not get ready: \(prometheus.stderr.suffix(600))")
                prometheus.stop()
                return nil
            }
            Thread.sleep(forTimeInterval: 0.2)
        }
        return (prometheus, base)
    }

    static func query(_ base: String, _ promql: String) throws -> [[String: Any]] {
        let q = promql.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        let data = try HTTPGet.fetch(base + "/api/v1/query?query=" + q)
        let json = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        return ((json?["data"] as? [String: Any])?["result"] as? [[String: Any]]) ?? []
    }

    static func value(_ row: [String: Any]?) -> Double? { ((row?["value"] as? [Any])?.last as? String).flatMap(Double.init) }

    @Test func nativeHistogramsGiveTheRunsCountAndQuantiles() throws {
        let target = try FixtureServer()
        let dir = Paths.temporaryDirectory("prometheus-native")
        guard let (prometheus, base) = try Self.startPrometheus(dir, nativeHistograms: true) else { return }
        defer { prometheus.stop() }
        let script = try CLI.writeScenario(Self.scenario)
        let r = try CLI.run(["run", script, "-q", "-e", "BASE_URL=\(target.base)", "-e", "TESTID=native",
                             "-o", "prometheus-rw=\(base)/api/v1/write", "-o", "json=\(dir)/r.json"], timeout: 300)
        #expect(r.status == 0 && !r.stderr.contains("warning"), "\(r.stdout)\(r.stderr)")
        let result = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/r.json"))) as? [String: Any]
        let requests = try #require(result?["requests"] as? [String: Any])
        let p99 = try #require((requests["duration"] as? [String: Any])?["p99"] as? Double)
        let count = try Self.query(base, #"histogram_count(swiftload_http_req_duration{testid="native"})"#)
        #expect(Self.value(count.first) == Double(requests["count"] as? Int ?? -1), "\(count)")
        // Prometheus interpolates within a 9 %-wide bucket: the result's p99 and its agree to that.
        let q = try Self.query(base, #"histogram_quantile(0.99, swiftload_http_req_duration{testid="native"})"#)
        let seconds = try #require(Self.value(q.first), "\(q)")
        #expect(abs(seconds * 1000 - p99) <= p99 * 0.1 + 0.01, "Prometheus p99 \(seconds * 1000) ms, the result's \(p99) ms")
    }

    @Test func aPromQLQueryOverThePushedSeriesReturnsTheRunsCount() throws {
        let target = try FixtureServer()
        let dir = Paths.temporaryDirectory("prometheus")
        // Native histograms off: the pushes fall back to the gauges.
        guard let (prometheus, base) = try Self.startPrometheus(dir, nativeHistograms: false) else { return }
        defer { prometheus.stop() }

        let script = try CLI.writeScenario(Self.scenario)
        let r = try CLI.run(["run", script, "-q", "-e", "BASE_URL=\(target.base)", "-e", "TESTID=rw-test",
                             "-o", "prometheus-rw=\(base)/api/v1/write", "-o", "json=\(dir)/r.json"], timeout: 300)
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stderr.contains("pushed metrics to \(base)/api/v1/write") && !r.stderr.contains("warning"), "\(r.stderr)")
        let result = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/r.json"))) as? [String: Any]
        let count = try #require((result?["requests"] as? [String: Any])?["count"] as? Int)
        #expect(count == 150)

        func query(_ promql: String) throws -> [[String: Any]] { try Self.query(base, promql) }
        func value(_ row: [String: Any]?) -> Double? { Self.value(row) }
        // Every request of the run, counted once (the series without a name label), and by name.
        let all = try query(#"swiftload_http_reqs_total{testid="rw-test",name=""}"#)
        #expect(all.count == 1 && value(all.first) == Double(count), "\(all)")
        let named = try query(#"swiftload_http_reqs_total{testid="rw-test",name="ok"}"#)
        #expect(value(named.first) == Double(count), "\(named)")
        // Trends as k6 sends them, in seconds: the fixture answers /ok at once.
        let p99 = try query(#"max_over_time(swiftload_http_req_duration_p99{testid="rw-test",name="ok"}[10m])"#)
        #expect((value(p99.first) ?? 1) < 0.5, "\(p99)")
        let vus = try query(#"swiftload_vus_max{testid="rw-test"}"#)
        #expect((value(vus.first) ?? 0) >= 1, "\(vus)")

        // No receiver: the run stands, the failed pushes are one warning.
        let lost = try CLI.run(["run", script, "-q", "-e", "BASE_URL=\(target.base)", "--duration", "1s",
                                "-o", "prometheus-rw=http://127.0.0.1:9/api/v1/write"], timeout: 120)
        #expect(lost.status == 0, "\(lost.stderr)")
        #expect(lost.stderr.contains("warning: prometheus-rw:") && lost.stderr.contains("pushes to http://127.0.0.1:9/api/v1/write failed"), "\(lost.stderr)")
        let bad = try CLI.run(["run", script, "-o", "prometheus-rw=metrics.bin"])
        #expect(bad.status == 2 && bad.stderr.contains("expects the receiver's URL"), "\(bad.stderr)")
    }
}
