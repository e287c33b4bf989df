import Foundation
import Testing
import TestSupport

/// A test run in segments without any engine: two processes started by hand with one
/// `--start-at`, merged with `swiftload merge`, against one nginx. The merge must equal what the
/// server saw, send exactly the planned arrivals, keep `.unique` rows apart, judge thresholds on
/// the sum, and refuse what is not one whole test.
@Suite(.serialized) struct DistributedRunTests {
    /// 150 arrivals a second for 2 s (300 in all), each GETting a row of a unique feeder, with a
    /// threshold only the whole test passes (each half sends about 150 requests).
    static let scenario = """
        import SwiftLoad

        @main struct Segmented: LoadTest {
            static let rows = Feeder.array(Array(0..<5000), strategy: .unique)
            static let options = Options(
                scenarios: ["open": .constantArrivalRate(150, duration: .seconds(2), preAllocatedVUs: 4, maxVUs: 40)],
                thresholds: ["http_reqs": "count >= 300", "http_req_failed": "rate < 1%"])

            static func iteration(_ vu: VU) async throws {
                let row = try rows.next(vu)
                let r = try await vu.http.get("\\(vu.env["TARGET", default: "http://127.0.0.1:9"])/f64?row=\\(row)&vu=\\(vu.id)", name: "row")
                vu.check(r, "200") { $0.status == 200 }
            }
        }
        """

    static func json(_ path: String) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
    }

    /// Starts `segments` processes of `script` together and waits for them.
    static func runSegments(_ script: String, _ segments: [String], target: String, dir: String,
                            extra: [String] = []) throws -> [CLI.Result] {
        let startAt = String(format: "%.3f", Date().timeIntervalSince1970 + 1.5)
        let children = try segments.enumerated().map { i, s in
            try CLI.start(["run", script, "-q", "-e", "TARGET=\(target)", "--segment", s, "--start-at", startAt,
                           "--workers", "1", "-o", "json=\(dir)/seg\(i + 1).json"] + extra)
        }
        return children.map { c in
            let status = c.wait(timeout: 60)
            return CLI.Result(status: status, stdout: c.stdout, stderr: c.stderr)
        }
    }

    @Test func twoSegmentsAddUpToTheWholeTest() throws {
        let nginx = try NginxServer()
        let script = try CLI.writeScenario(Self.scenario)
        let dir = Paths.temporaryDirectory("segments")
        // Compile once, so the two segments start from the cache.
        let inspect = try CLI.run(["inspect", script, "--segment", "1/2"])
        #expect(inspect.status == 0, "\(inspect.stderr)")
        nginx.truncateLog()

        let runs = try Self.runSegments(script, ["1/2", "2/2"], target: nginx.base, dir: dir)
        for r in runs {
            // Half the requests fail the whole test's count threshold on their own.
            #expect(r.status == 99, "\(r.stderr)\n\(r.stdout)")
        }
        let merged = try CLI.run(["merge", dir + "/seg1.json", dir + "/seg2.json", "-o", "json=\(dir)/merged.json",
                                  "-o", "html=\(dir)/merged.html"])
        #expect(merged.status == 0, "\(merged.stderr)\n\(merged.stdout)")

        let result = try Self.json(dir + "/merged.json")
        let requests = try #require(result["requests"] as? [String: Any])
        let count = try #require(requests["count"] as? Int)
        let log = nginx.accessLog().filter { $0.contains { $0.contains("row=") } }
        #expect(count == log.count, "merged \(count) requests, nginx logged \(log.count)")
        let scenario = try #require((result["scenarios"] as? [[String: Any]])?.first)
        let iterations = try #require(scenario["iterations"] as? Int)
        let dropped = try #require(scenario["droppedIterations"] as? Int)
        #expect(iterations + dropped == 300, "arrivals: \(iterations) run + \(dropped) dropped")
        #expect(iterations == count)

        // Unique rows went to one segment each, and VU ids are unique across segments.
        let rows = log.compactMap { fields in fields.first { $0.contains("row=") } }
            .compactMap { $0.split(separator: "row=").last?.split(separator: "&").first.map(String.init) }
        #expect(rows.count == count && Set(rows).count == rows.count, "a unique row was sent twice")
        let seg1 = try Self.json(dir + "/seg1.json"), seg2 = try Self.json(dir + "/seg2.json")
        let counts = [seg1, seg2].compactMap { ($0["requests"] as? [String: Any])?["count"] as? Int }
        #expect(counts.count == 2 && counts.reduce(0, +) == count && counts.allSatisfy { $0 > 100 })

        // Thresholds are judged on the sum; the distribution is the exact sum of the parts.
        let thresholds = try #require(result["thresholds"] as? [[String: Any]])
        #expect(thresholds.count == 2 && thresholds.allSatisfy { $0["passed"] as? Bool == true }, "\(thresholds)")
        func duration(_ r: [String: Any], _ key: String) -> Double? {
            ((r["requests"] as? [String: Any])?["duration"] as? [String: Any])?[key] as? Double
        }
        let medians = [seg1, seg2].compactMap { duration($0, "med") }
        let merged50 = try #require(duration(result, "med"))
        #expect(medians.count == 2 && merged50 >= medians.min()! - 0.01 && merged50 <= medians.max()! + 0.01)
        #expect(duration(result, "max") == [seg1, seg2].compactMap { duration($0, "max") }.max())
        let run = try #require(result["run"] as? [String: Any])
        #expect(run["mergedSegments"] as? [String] == ["1/2", "2/2"])
        #expect(run["partial"] == nil)
        let points = try #require(result["timeSeries"] as? [[String: Any]])
        #expect(points.reduce(0) { $0 + ($1["requests"] as? Int ?? 0) } == count)

        // The merged result is an ordinary one: report and compare take it.
        let report = try CLI.run(["report", dir + "/merged.json", "--html", dir + "/again.html"])
        #expect(report.status == 0, "\(report.stderr)")
        let compare = try CLI.run(["compare", dir + "/merged.json", dir + "/merged.json"])
        #expect(compare.status == 0, "\(compare.stderr)\n\(compare.stdout)")

        // What is not one whole test is refused with one line and exit 2.
        func refused(_ arguments: [String], _ words: String) throws {
            let r = try CLI.run(["merge"] + arguments)
            #expect(r.status == 2, "\(arguments): \(r.stdout)\(r.stderr)")
            #expect(r.stderr.contains(words), "\(r.stderr)")
            #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
        }
        try refused([dir + "/seg1.json"], "segments are missing: nothing covers 1/2:1")
        try refused([dir + "/seg1.json", dir + "/seg1.json", dir + "/seg2.json"], "overlaps")
        try refused([dir + "/merged.json", dir + "/seg2.json"], "overlaps")
        var other = try String(contentsOfFile: dir + "/seg2.json", encoding: .utf8)
        let hash = try #require(run["scriptHash"] as? String)
        other = other.replacingOccurrences(of: hash, with: String(repeating: "0", count: 64))
        try other.write(toFile: dir + "/other-script.json", atomically: true, encoding: .utf8)
        try refused([dir + "/seg1.json", dir + "/other-script.json"], "ran different scripts")

        // --allow-partial takes what there is and says so.
        let partial = try CLI.run(["merge", dir + "/seg1.json", "--allow-partial", "-q", "-o", "json=\(dir)/partial.json"])
        #expect(partial.status == 99, "\(partial.stderr)")
        #expect(partial.stderr.contains("warning: partial merge: segments are missing"))
        let partialRun = try #require(try Self.json(dir + "/partial.json")["run"] as? [String: Any])
        #expect(partialRun["partial"] as? Bool == true)
    }

    @Test func anInterruptedSegmentMakesTheMergeFailLoudly() throws {
        let nginx = try NginxServer()
        let script = try CLI.writeScenario(Self.scenario.replacingOccurrences(of: ".seconds(2)", with: ".seconds(20)"))
        let dir = Paths.temporaryDirectory("segments-cut")
        let inspect = try CLI.run(["inspect", script])
        #expect(inspect.status == 0, "\(inspect.stderr)")
        let startAt = String(format: "%.3f", Date().timeIntervalSince1970 + 1)
        let a = try CLI.start(["run", script, "-q", "-e", "TARGET=\(nginx.base)", "--segment", "1/2", "--start-at", startAt,
                               "--duration", "3s", "-o", "json=\(dir)/seg1.json"])
        let b = try CLI.start(["run", script, "-q", "-e", "TARGET=\(nginx.base)", "--segment", "2/2", "--start-at", startAt,
                               "--duration", "3s", "-o", "json=\(dir)/seg2.json"])
        Thread.sleep(forTimeInterval: 2.5)
        b.signal(SIGTERM)
        #expect(a.wait(timeout: 60) == 99)
        #expect(b.wait(timeout: 60) == 143)
        let r = try CLI.run(["merge", dir + "/seg1.json", dir + "/seg2.json"])
        #expect(r.status == 2, "\(r.stdout)\(r.stderr)")
        #expect(r.stderr.contains("segment 2/2") && r.stderr.contains("was interrupted"), "\(r.stderr)")
        // A segment killed outright leaves no result: the merge names the part that is missing.
        let missing = try CLI.run(["merge", dir + "/seg1.json", dir + "/none.json"])
        #expect(missing.status == 2 && missing.stderr.contains("none.json"), "\(missing.stderr)")
    }

    @Test(arguments: [(["--segment", "3/2"], "--segment 3/2"), (["--segment", "1/2:1/4"], "empty"),
                      (["--start-at", "soon"], "--start-at soon"), (["--start-at", "4102444800"], "at most a day ahead")])
    func badSegmentFlagsAreOneLine(_ flags: [String], _ words: String) throws {
        let script = try CLI.writeScenario(Self.scenario)
        let r = try CLI.run(["run", script, "-q"] + flags)
        #expect(r.status == 2, "\(r.stderr)")
        #expect(r.stderr.contains(words), "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
    }

    @Test func theEnvironmentChoosesTheSegmentInAPod() throws {
        let script = try CLI.writeScenario(Self.scenario)
        let r = try CLI.run(["inspect", script], environment: ["JOB_COMPLETION_INDEX": "1", "SWIFTLOAD_SEGMENT_COUNT": "2"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("segment 2/2"), "\(r.stdout)")
        let bad = try CLI.run(["inspect", script], environment: ["JOB_COMPLETION_INDEX": "1"])
        #expect(bad.status == 2 && bad.stderr.contains("SWIFTLOAD_SEGMENT_COUNT"), "\(bad.stderr)")
    }
}
