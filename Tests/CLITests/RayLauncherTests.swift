import Foundation
import Testing
import TestSupport

/// deploy/ray/swiftload_ray.py on a real two-node Ray cluster (loopback, one CPU per node): one
/// segment per node from a built bundle, started together, merged. The merge must equal what
/// nginx logged and the planned arrivals; a segment killed mid-run must make it fail loudly.
@Suite(.serialized) struct RayLauncherTests {
    static let scenario = """
        import SwiftLoad

        @main struct OnRay: LoadTest {
            static let options = Options(
                scenarios: ["open": .constantArrivalRate(100, duration: .seconds(3), preAllocatedVUs: 4, maxVUs: 20)],
                thresholds: ["http_req_failed": "rate < 1%"])

            static func iteration(_ vu: VU) async throws {
                _ = try await vu.http.get("\\(vu.env["TARGET", default: "http://127.0.0.1:9"])/f64?vu=\\(vu.id)", name: "f64")
            }
        }
        """

    @Test func twoSegmentsOnTwoNodesMergeIntoTheWholeTest() throws {
        let nginx = try NginxServer()
        let script = try CLI.writeScenario(Self.scenario)
        let bundle = Paths.temporaryDirectory("ray-bundle") + "/b"
        let build = try CLI.run(["build", script, "-o", bundle, "-q"])
        #expect(build.status == 0, "\(build.stderr)")
        let cluster = try RayCluster()
        defer { cluster.stop() }
        let launcher = Paths.packageRoot + "/deploy/ray/swiftload_ray.py"

        nginx.truncateLog()
        let out = Paths.temporaryDirectory("ray-out")
        let run = try ChildProcess(cluster.python, [launcher, "--address", cluster.address, "--bundle", bundle,
                                                    "--segments", "2", "--out", out, "--", "-e", "TARGET=\(nginx.base)"],
                                   logDir: Paths.temporaryDirectory("ray-run"), name: "launcher")
        let status = run.wait(timeout: 150)
        #expect(status == 0, "\(run.stderr.suffix(3000))\n\(run.stdout.suffix(2000))")
        let result = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/merged.json"))) as? [String: Any])
        let count = (result["requests"] as? [String: Any])?["count"] as? Int
        let logged = nginx.accessLog().filter { $0.contains { $0.contains("/f64") } }.count
        #expect(count == logged, "merged \(count ?? -1), nginx logged \(logged)")
        let scenario = try #require((result["scenarios"] as? [[String: Any]])?.first)
        #expect((scenario["iterations"] as? Int ?? 0) + (scenario["droppedIterations"] as? Int ?? 0) == 300)
        #expect((result["run"] as? [String: Any])?["mergedSegments"] as? [String] == ["1/2", "2/2"])
        #expect(run.stderr.contains("segments 1..2 ready"), "\(run.stderr.suffix(2000))")
        // Each segment unpacked the bundle (over 100 MB) and must have removed it.
        #expect(Self.leftovers(cluster) == [])

        // The same test with one segment killed halfway: the merge refuses to call it whole.
        let pids = Paths.temporaryDirectory("ray-pids")
        let out2 = Paths.temporaryDirectory("ray-out-cut")
        let cut = try ChildProcess(cluster.python, [launcher, "--address", cluster.address, "--bundle", bundle,
                                                    "--segments", "2", "--out", out2, "--pid-dir", pids,
                                                    "--", "-e", "TARGET=\(nginx.base)", "--duration", "8s"],
                                   logDir: Paths.temporaryDirectory("ray-run-cut"), name: "launcher")
        let pidFile = pids + "/segment-2.pid"
        let deadline = Date().addingTimeInterval(90)
        while !FileManager.default.fileExists(atPath: pidFile) && Date() < deadline { usleep(100_000) }
        // The segment waits for its start time (3 s after all are ready), then sends for 8 s.
        Thread.sleep(forTimeInterval: 5)
        let pid = try #require(Int32((try? String(contentsOfFile: pidFile, encoding: .utf8)) ?? ""))
        #expect(kill(pid, SIGKILL) == 0)
        let cutStatus = cut.wait(timeout: 120)
        #expect(cutStatus == 2, "\(cut.stderr.suffix(3000))")
        #expect(cut.stderr.contains("segment 2/2: exit -9, no result"), "\(cut.stderr.suffix(3000))")
        #expect(cut.stderr.contains("segments are missing"), "\(cut.stderr.suffix(3000))")
        #expect(!FileManager.default.fileExists(atPath: out2 + "/merged.json"))
        #expect(Self.leftovers(cluster) == [], "the killed segment's bundle stays behind")
    }

    /// The segments' folders still in the nodes' temp folder.
    static func leftovers(_ cluster: RayCluster) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: cluster.workerTempDir)) ?? [])
            .filter { $0.hasPrefix("swiftload-segment-") }
    }
}
