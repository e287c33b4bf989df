import Foundation
import Testing
import TestSupport

/// `swiftload sweep` against a server of known capacity: one request at a time in 5 ms, so about
/// 200 a second. With arrivals evenly spaced, latency stays at the service time below capacity and
/// climbs without bound above it: the sweep must put the highest rate meeting p99 < 50 ms within
/// 10 % of 200/s, say so in its table, JSON and HTML, and exit 0.
@Suite(.serialized) struct SweepTests {
    static let scenario = """
        import SwiftLoad

        @main struct Knee: LoadTest {
            static let options = Options(scenarios: ["open": .constantArrivalRate(10, duration: .seconds(2), preAllocatedVUs: 20, maxVUs: 200)])
            static func iteration(_ vu: VU) async throws {
                _ = try await vu.http.get(vu.env["TARGET", default: "http://127.0.0.1:9"] + "/", name: "serial")
            }
        }
        """

    /// Tests/Fixtures/serial_server.py on a free port: one request at a time, one every
    /// `periodMs` at most.
    static func serialServer(_ name: String, periodMs: Int = 5) throws -> (ChildProcess, Int) {
        let port = Ports.free()
        let server = try ChildProcess("/usr/bin/python3", [Paths.packageRoot + "/Tests/Fixtures/serial_server.py", String(port), String(periodMs)],
                                      logDir: Paths.temporaryDirectory(name), name: "serial")
        guard server.waitForOutput(timeout: 10, { $0.contains("listening") }) else {
            server.stop()
            throw TestFailure("serial_server.py did not start: \(server.stderr)")
        }
        return (server, port)
    }

    @Test func theSweepFindsTheKneeOfAServerOfKnownCapacity() throws {
        let (server, port) = try Self.serialServer("serial")
        defer { server.stop() }
        let script = try CLI.writeScenario(Self.scenario)
        let dir = Paths.temporaryDirectory("sweep")
        let r = try CLI.run(["sweep", script, "--slo", "p(99)<50ms", "--slo", "error_rate<1%", "--from", "25", "--to", "400",
                             "--window", "2s", "--windows", "3", "--stable", "2", "--tolerance", "0.5", "--workers", "1",
                             "-e", "TARGET=http://127.0.0.1:\(port)", "-o", "json=\(dir)/sweep.json", "-o", "html=\(dir)/sweep.html"],
                            timeout: 300)
        print(r.stdout)
        #expect(r.status == 0, "\(r.stderr)\n\(r.stdout)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/sweep.json"))) as? [String: Any])
        let best = try #require(json["highestPassingRate"] as? Double, "\(r.stdout)")
        // The server's capacity is 200/s. Within 15 % of it: on two shared cores a stall in one
        // window can fail a rate just under the knee (seen: 175/s passing, 182/s failing once).
        #expect(best >= 170 && best <= 220, "highest passing rate \(best)/s\n\(r.stdout)")
        let steps = try #require(json["steps"] as? [[String: Any]])
        #expect(steps.contains { ($0["passed"] as? Bool) == false }, "no step failed: the sweep never found the limit")
        #expect(steps.allSatisfy { ($0["result"] as? [String: Any])?["schemaVersion"] != nil })
        #expect(r.stdout.contains("highest rate meeting every SLO: "))
        let html = try String(contentsOfFile: dir + "/sweep.html", encoding: .utf8)
        #expect(html.contains("Highest rate meeting every SLO") && html.contains("<svg"))

        // Sweeps side by side (an experiment's serving options): their answers and one page of curves.
        let cmp = try CLI.run(["report", dir + "/sweep.json", dir + "/sweep.json", "--label", "first", "--label", "second",
                               "--html", dir + "/sweeps.html"])
        #expect(cmp.status == 0, "\(cmp.stderr)")
        let bestText = r.stdout.components(separatedBy: "highest rate meeting every SLO: ").last?.prefix { $0 != "/" } ?? "?"
        #expect(cmp.stdout.contains("first") && cmp.stdout.contains("second") && cmp.stdout.contains(String(bestText)), "\(cmp.stdout)")
        let page = try String(contentsOfFile: dir + "/sweeps.html", encoding: .utf8)
        #expect(page.contains("Sweeps side by side") && page.contains("p99 latency against offered rate") && page.contains(">second<"))
        // A run result and a sweep do not share a page.
        let run = dir + "/step.json"
        let firstStep = try #require(steps.first?["result"])
        try JSONSerialization.data(withJSONObject: firstStep).write(to: URL(fileURLWithPath: run))
        let mixed = try CLI.run(["report", dir + "/sweep.json", run, "--html", dir + "/mixed.html"])
        #expect(mixed.status != 0 && mixed.stderr.contains("not both"), "\(mixed.stderr)")
    }

    /// The same server swept by concurrency: n VUs in a loop queue behind each other, so a
    /// request takes about n × 5 ms and p99 < 30 ms holds up to about 5 VUs.
    @Test func aConcurrencySweepFindsHowManyVUsTheSLOAllows() throws {
        let (server, port) = try Self.serialServer("serial-c")
        defer { server.stop() }
        let script = try CLI.writeScenario(Self.scenario)
        let dir = Paths.temporaryDirectory("sweep-c")
        let r = try CLI.run(["sweep", script, "--slo", "p(99)<30ms", "--vus-from", "1", "--vus-to", "32", "--window", "2s",
                             "--windows", "3", "--stable", "2", "--tolerance", "0.5", "--workers", "1", "-q",
                             "-e", "TARGET=http://127.0.0.1:\(port)", "-o", "json=\(dir)/sweep.json", "-o", "html=\(dir)/sweep.html"],
                            timeout: 300)
        print(r.stdout)
        #expect(r.status == 0, "\(r.stderr)\n\(r.stdout)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/sweep.json"))) as? [String: Any])
        #expect(json["mode"] as? String == "concurrency")
        let best = try #require(json["highestPassingRate"] as? Double, "\(r.stdout)")
        #expect(best >= 3 && best <= 7, "highest passing concurrency \(best) VUs\n\(r.stdout)")
        #expect(r.stdout.contains("highest concurrency meeting every SLO: \(Int(best)) VUs"))
        let html = try String(contentsOfFile: dir + "/sweep.html", encoding: .utf8)
        #expect(html.contains("Highest concurrency meeting every SLO"))
    }

    /// A scenario that computes for 30 ms per iteration on one worker cannot offer 100/s: the
    /// step is tainted by the generator, discarded, and the sweep says its answer is a bound.
    @Test func aStepTheGeneratorLimitedIsDiscarded() throws {
        let nginx = try NginxServer()
        let script = try CLI.writeScenario("""
            import SwiftLoad

            @main struct Heavy: LoadTest {
                static let options = Options(scenarios: ["open": .constantArrivalRate(10, duration: .seconds(2), preAllocatedVUs: 20, maxVUs: 50)])
                static func iteration(_ vu: VU) async throws {
                    let end = ContinuousClock.now + .milliseconds(30)
                    var x = 1
                    while ContinuousClock.now < end { x = x &* 31 &+ 7 }
                    vu.state["x"] = x
                    _ = try await vu.http.get(vu.env["TARGET", default: "http://127.0.0.1:9"] + "/f64", name: "f64")
                }
            }
            """)
        let dir = Paths.temporaryDirectory("sweep-heavy")
        let r = try CLI.run(["sweep", script, "--slo", "p(99)<1s", "--from", "100", "--to", "400", "--window", "2s",
                             "--windows", "2", "--stable", "2", "--workers", "1", "-q", "-e", "TARGET=\(nginx.base)",
                             "-o", "json=\(dir)/sweep.json"], timeout: 120)
        #expect(r.status == 99, "\(r.stderr)\n\(r.stdout)")
        #expect(r.stdout.contains("DISCARDED: ") && r.stdout.contains("the generator limited the sweep at 100/s"), "\(r.stdout)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/sweep.json"))) as? [String: Any])
        #expect(json["generatorLimitedAt"] as? Double == 100)
        #expect(json["lowestFailingRate"] == nil, "a discarded step is not the target's failure")
    }

    @Test func noRateMeetingTheSLOsExitsNinetyNine() throws {
        let (server, port) = try Self.serialServer("serial-slow", periodMs: 30)
        defer { server.stop() }
        let script = try CLI.writeScenario(Self.scenario)
        let tmp = Paths.temporaryDirectory("sweep-tmp")
        // Every request takes 30 ms: p99 < 10ms never holds.
        let r = try CLI.run(["sweep", script, "--slo", "p(99)<10ms", "--from", "5", "--to", "10", "--window", "1s",
                             "--windows", "2", "--stable", "1", "-q", "-e", "TARGET=http://127.0.0.1:\(port)"],
                            environment: ["TMPDIR": tmp], timeout: 120)
        #expect(r.status == 99, "\(r.stderr)\n\(r.stdout)")
        #expect(r.stdout.contains("no rate met every SLO"))
        // The windows' results went to a scratch folder, removed before the exit.
        #expect(try Self.scratchFolders(in: tmp) == [])
    }

    /// Ctrl-C (SIGINT to the sweep's process group, as a terminal sends it) or SIGTERM to the
    /// sweep alone, during a window: the window ends as a run does, and the sweep writes the
    /// steps it finished, says it was interrupted, exits 130 or 143, and leaves no window running
    /// and no scratch folder.
    @Test(arguments: [(SIGINT, true, Int32(130), "SIGINT"), (SIGTERM, false, Int32(143), "SIGTERM")])
    func aSignalEndsTheSweepWithTheStepsItFinished(_ sig: Int32, _ toGroup: Bool, _ code: Int32, _ name: String) throws {
        let (server, port) = try Self.serialServer("serial-signal")
        defer { server.stop() }
        let script = try CLI.writeScenario(Self.scenario)
        let dir = Paths.temporaryDirectory("sweep-signal")
        let tmp = Paths.temporaryDirectory("sweep-signal-tmp")
        let sweep = try CLI.start(["sweep", script, "--slo", "p(99)<50ms", "--from", "25", "--to", "400", "--window", "1s",
                                   "--windows", "2", "--stable", "1", "--workers", "1",
                                   "-e", "TARGET=http://127.0.0.1:\(port)", "-o", "json=\(dir)/sweep.json"],
                                  environment: ["TMPDIR": tmp])
        defer { sweep.stop() }
        // The first step is done (its line printed); the next one's window is under way.
        let deadline = Date().addingTimeInterval(120)
        while !sweep.stderr.contains("/s: p99") && sweep.process.isRunning && Date() < deadline { usleep(50_000) }
        try #require(sweep.stderr.contains("/s: p99"), "\(sweep.stderr)")
        usleep(400_000)
        if toGroup {
            try #require(getpgid(sweep.pid) == sweep.pid, "the sweep does not lead its own process group")
            kill(-sweep.pid, sig)
        } else {
            kill(sweep.pid, sig)
        }
        #expect(sweep.wait(timeout: 30) == code, "\(sweep.stderr)\n\(sweep.stdout)")
        #expect(sweep.stderr.contains("sweep interrupted"), "\(sweep.stderr)")
        #expect(sweep.stdout.contains("interrupted (\(name))"), "\(sweep.stdout)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/sweep.json"))) as? [String: Any])
        #expect(json["interruptedBy"] as? String == name)
        #expect(json["exitCode"] as? Int == Int(code))
        let steps = try #require(json["steps"] as? [[String: Any]])
        #expect(steps.count >= 1 && steps.allSatisfy { ($0["rate"] as? Double ?? 0) > 0 }, "\(steps.count) steps")
        // Beside other sweeps, its answer is marked as partial.
        let side = try CLI.run(["report", dir + "/sweep.json", dir + "/sweep.json", "--label", "a", "--label", "b"])
        #expect(side.status == 0 && side.stdout.contains("that sweep was interrupted"), "\(side.stdout)\n\(side.stderr)")
        // No window outlives the sweep (each has the sweep's TMPDIR in its environment), and
        // the scratch folder is gone.
        let windows = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).filter { pid in
            guard Int32(pid) != nil, let env = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { return false }
            return String(decoding: env, as: UTF8.self).split(separator: "\0").contains { $0 == "TMPDIR=\(tmp)" }
        }
        #expect(windows == [], "windows still running")
        #expect(try Self.scratchFolders(in: tmp) == [])
    }

    /// The sweeps' scratch folders left in `tmp` (the TMPDIR the sweep was given).
    static func scratchFolders(in tmp: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: tmp).filter { $0.hasPrefix("swiftload-sweep-") }
    }

    @Test(arguments: [(["--slo", "p(99)<"], "--slo p(99)<"), ([] as [String], "at least one --slo"),
                      (["--slo", "p(99)<5ms", "--from", "0"], "--from and --to"),
                      (["--slo", "p(99)<5ms", "--stable", "9"], "--stable"),
                      (["--slo", "p(99)<5ms", "--vus-from", "4"], "both --vus-from and --vus-to")])
    func badSweepInputIsOneLine(_ flags: [String], _ words: String) throws {
        let script = try CLI.writeScenario(Self.scenario)
        let r = try CLI.run(["sweep", script] + flags)
        #expect(r.status == 2, "\(r.stderr)")
        #expect(r.stderr.contains(words), "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
    }
}
