import Foundation
import Testing
import TestSupport

/// The `swiftload` command as users run it: compile, cache, options, exit codes, reports.
@Suite(.serialized) struct CLITests {
    static let quick = """
        import SwiftLoad

        @main struct Quick: LoadTest {
            static let options = Options(
                scenarios: ["s": .constantVUs(2, duration: .seconds(1))],
                thresholds: ["http_req_duration{name:ok}": "p(99) < 5s"])

            static func iteration(_ vu: VU) async throws {
                let r = try await vu.http.get("\\(vu.env["TARGET", default: "http://127.0.0.1:9"])/ok", name: "ok")
                vu.check(r, "status is 200") { $0.status == 200 }
                try await vu.sleep(.milliseconds(50))
            }
        }
        """

    @Test func helpAndVersion() throws {
        let help = try CLI.run(["--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("USAGE: swiftload <subcommand>"))
        #expect(help.stdout.contains("run"))
        let runHelp = try CLI.run(["run", "--help"])
        #expect(runHelp.status == 0)
        for option in ["--vus", "--duration", "--rate", "--iterations", "--workers", "--env", "--out", "--quiet", "--insecure", "--threshold"] {
            #expect(runHelp.stdout.contains(option), "run --help lacks \(option)")
        }
        let version = try CLI.run(["version"])
        #expect(version.status == 0)
        #expect(version.stdout.hasPrefix("swiftload 0.1.0 (libcurl "))
        #expect(try CLI.run(["--version"]).stdout == version.stdout)
    }

    @Test(arguments: [
        (["run", "x.swift", "--bogus"], "Unknown option '--bogus'"),
        (["run", "x.swift", "--duration", "5parsecs"], "The value '5parsecs' is invalid for '--duration <duration>'"),
        (["run", "x.swift", "--rate=-5"], "--rate must be a positive number (got -5.0)"),
        (["run", "x.swift", "--rate", "9223372036854775807"], "--rate must be at most 10,000,000 per second"),
        (["run", "x.swift", "--rate", "nan"], "--rate must be a positive number"),
        (["run", "x.swift", "--rate", "0.0001"], "--rate 0.0001 has more than 3 decimals"),
        (["run", "x.swift", "--vus", "9223372036854775807"], "--vus must be at most 1,000,000"),
        (["run", "x.swift", "--iterations", "9223372036854775807"], "--iterations must be at most 1,000,000,000,000"),
        (["run", "x.swift", "--duration", "9000h"], "--duration must be at most 8784h (got 9000h)"),
        (["run", "x.swift", "--workers=0"], "--workers must be between 1 and 1024 (got 0)"),
        (["run", "x.swift", "--vus", "0"], "--vus must be at least 1 (got 0)"),
        (["run", "x.swift", "--out", "pdf=a.pdf"], "--out: unknown format 'pdf'"),
        (["run", "x.swift", "--env", "NOEQUALS"], "--env expects KEY=VALUE"),
        (["run", "x.swift", "--threshold", "http_req_duration:p(99)<"], "expected a number at column 25"),
        (["run", "missing.swift"], "cannot read scenario 'missing.swift': no such file"),
        (["frobnicate"], "Unexpected argument 'frobnicate'"),
    ])
    func badInputIsOneLineAndExitCodeTwo(arguments: [String], message: String) throws {
        let r = try CLI.run(arguments, in: Paths.temporaryDirectory())
        #expect(r.status == 2, "\(arguments): exit \(r.status), stderr \(r.stderr)")
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(arguments): \(r.stderr)")
        #expect(r.stderr.hasPrefix("error: "))
        #expect(r.stderr.contains(message), "\(arguments): \(r.stderr)")
        #expect(r.stdout.isEmpty)
    }

    @Test func aScriptThatDoesNotCompileShowsTheUsersFileAndLineAndRunsNothing() throws {
        let dir = Paths.temporaryDirectory()
        try "import SwiftLoad\n@main struct Broken: LoadTest {\n    static func iteration(_ vu: VU) async throws {\n        vu.nope()\n    }\n}\n"
            .write(toFile: dir + "/broken.swift", atomically: true, encoding: .utf8)
        let r = try CLI.run(["run", "broken.swift"], in: dir)
        #expect(r.status == 2)
        #expect(r.stderr.contains("broken.swift:4:12: error:"), "\(r.stderr)")
        #expect(!r.stderr.contains("/tmp/"), "a temporary path leaked: \(r.stderr)")
        #expect(r.stderr.contains("error: scenario 'broken.swift' does not compile"))
        #expect(!r.stdout.contains("iterations"))
    }

    @Test func aScenarioRunsOnceCompiledAndThenFromTheCache() throws {
        let server = try FixtureServer()
        let script = try CLI.writeScenario(Self.quick)
        let dir = URL(fileURLWithPath: script).deletingLastPathComponent().path
        let cache = Paths.temporaryDirectory("own-cache")
        let first = try CLI.run(["run", script, "--env", "TARGET=\(server.base)", "-o", "json=out/first.json"],
                                environment: ["SWIFTLOAD_CACHE_DIR": cache], in: dir)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stderr.contains("compiling"))
        #expect(first.stdout.contains("✓ status is 200"))
        #expect(first.stdout.contains("all thresholds passed"))
        let second = try CLI.run(["run", script, "--env", "TARGET=\(server.base)", "--vus", "1", "--duration", "500ms", "-q"],
                                 environment: ["SWIFTLOAD_CACHE_DIR": cache], in: dir)
        #expect(second.status == 0)
        #expect(!second.stderr.contains("compiling"), "recompiled: \(second.stderr)")
        #expect(second.stdout.contains("1 VUs for 500ms"))
        // The JSON report is where it was asked to be, complete.
        let data = try Data(contentsOf: URL(fileURLWithPath: dir + "/out/first.json"))
        let doc = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(doc["schemaVersion"] as? Int == 2)
        #expect((doc["requests"] as? [String: Any])?["count"] as? Int ?? 0 > 5)
        #expect((doc["run"] as? [String: Any])?["script"] as? String == script)
        // Editing the script means compiling again.
        try (Self.quick + "\n// changed\n").write(toFile: script, atomically: true, encoding: .utf8)
        let third = try CLI.run(["run", script, "--iterations", "1", "-e", "TARGET=\(server.base)"],
                                environment: ["SWIFTLOAD_CACHE_DIR": cache], in: dir)
        #expect(third.status == 0)
        #expect(third.stderr.contains("compiling"))
    }

    @Test func thresholdsFailWithNinetyNine() throws {
        let script = try CLI.writeScenario(Self.quick)
        // Nothing listens on port 9: every request fails, the run completes and the gate fails.
        let r = try CLI.run(["run", script, "--duration", "500ms", "--threshold", "http_req_failed:rate<1%", "-q"])
        #expect(r.status == 99, "\(r.stderr)")
        #expect(r.stdout.contains("connection refused"))
        #expect(r.stdout.contains("FAILED"))
    }

    @Test func scriptConfigurationErrorsExitTwo() throws {
        let script = try CLI.writeScenario("""
            import SwiftLoad
            @main struct Bad: LoadTest {
                static let options = Options(scenarios: ["s": .constantArrivalRate(0, duration: .seconds(1), preAllocatedVUs: 1)],
                                             thresholds: ["latency": "p(99) < 1"])
                static func iteration(_ vu: VU) async throws {}
            }
            """)
        for command in ["run", "inspect"] {
            let r = try CLI.run([command, script, "-q"])
            #expect(r.status == 2, "\(command)")
            #expect(r.stderr.contains("error: scenario 's': rate must be at least 1 (got 0)"), "\(command)")
            #expect(r.stderr.contains("unknown metric \"latency\""), "\(command)")
        }
    }

    /// Random and extreme values for every numeric flag: each invocation either plans the run
    /// (exit 0) or refuses it with exit 2 and one `error:` line per problem; none crashes or traps.
    @Test func randomAndExtremeFlagValuesNeverCrash() throws {
        let script = try CLI.writeScenario(Self.quick)
        let extremes = ["0", "-1", "1", "2", "0.5", "1e308", "-0", "nan", "inf", "9223372036854775807",
                        "-9223372036854775808", "18446744073709551616", "4294967296", "1000000", "1000001", "abc", ""]
        let durations = ["0s", "1ns", "1us", "0.5s", "30s", "8784h", "8785h", "9999999999h", "1e300s", "-5s", "5", "1m1m1m"]
        var rng = SystemRandomNumberGenerator()
        var crashes: [String] = []
        for i in 0..<60 {
            var args = ["inspect", script, "-q"]
            for flag in ["--vus", "--rate", "--iterations", "--workers"] where Bool.random(using: &rng) || i < 4 {
                let value = i < extremes.count && flag == ["--vus", "--rate", "--iterations", "--workers"][i % 4]
                    ? extremes[i] : (Bool.random(using: &rng) ? extremes.randomElement(using: &rng)! : String(Int.random(in: -5...2_000_000, using: &rng)))
                args += ["\(flag)=\(value)"]
            }
            if Bool.random(using: &rng) { args += ["--duration=\(durations.randomElement(using: &rng)!)"] }
            let r = try CLI.run(args)
            if r.status != 0 && r.status != 2 { crashes.append("\(args.dropFirst(3)): exit \(r.status) \(r.stderr)") }
            let lines = r.stderr.split(separator: "\n")
            if r.status == 2 && (lines.isEmpty || !lines.allSatisfy({ $0.hasPrefix("error: ") })) {
                crashes.append("\(args.dropFirst(3)): not error lines: \(r.stderr)")
            }
        }
        #expect(crashes.isEmpty, "\(crashes)")
    }

    /// The cookbook's recipes and the shipped scenarios are compiled and their options checked,
    /// so the docs cannot drift from the library.
    @Test func everyShippedScenarioCompilesAndItsPlanIsValid() throws {
        let root = Paths.packageRoot + "/scenarios"
        let files = try ["examples", "", "bench"].flatMap { sub in
            let dir = sub.isEmpty ? root : root + "/" + sub
            return try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".swift") }.map { dir + "/" + $0 }
        }
        #expect(files.filter { $0.contains("/examples/") }.count >= 11)
        for file in files.sorted() {
            let r = try CLI.run(["inspect", file, "-q"])
            #expect(r.status == 0, "\(file): \(r.stderr)")
            #expect(r.stdout.hasPrefix("scenario "), "\(file): \(r.stdout)")
            #expect(r.stdout.contains("planned duration"), "\(file)")
        }
        // The cookbook names every recipe.
        let cookbook = try String(contentsOfFile: Paths.packageRoot + "/docs/cookbook.md", encoding: .utf8)
        for file in files where file.contains("/examples/") {
            let name = URL(fileURLWithPath: file).lastPathComponent
            #expect(cookbook.contains("scenarios/examples/\(name)"), "the cookbook does not show \(name)")
        }
        // inspect applies the command line's overrides as run would.
        let quick = try CLI.run(["inspect", root + "/examples/ramping_vus.swift", "--vus", "3", "--duration", "5s", "-q"])
        #expect(quick.stdout.contains("scenario browse: constant-vus, 3 VUs for 5s"), "\(quick.stdout)")
        // Options built from --env values (the quickstart reads VUS and TARGET), typed thresholds.
        let env = try CLI.run(["inspect", root + "/quickstart.swift", "-e", "VUS=7", "-q"])
        #expect(env.stdout.contains("scenario browse: constant-vus, 7 VUs for 10s"), "\(env.stdout)")
        #expect(env.stdout.contains("http_req_duration{name:home}: p(99) < 200ms"), "\(env.stdout)")
        let badBase = try CLI.run(["run", root + "/quickstart.swift", "-e", "TARGET=localhost:8080", "-q"])
        #expect(badBase.status == 2 && badBase.stderr.contains("baseURL must start with http:// or https://"), "\(badBase.stderr)")
    }

    @Test func ctrlCStopsGracefullyAndStillWritesTheReport() throws {
        let server = try FixtureServer()
        let script = try CLI.writeScenario(Self.quick)
        let dir = URL(fileURLWithPath: script).deletingLastPathComponent().path
        // Compile first so the signal lands during the run.
        _ = try CLI.run(["run", script, "--iterations", "1", "-q", "-e", "TARGET=\(server.base)"], in: dir)
        let child = try CLI.start(["run", script, "--duration", "60s", "-e", "TARGET=\(server.base)", "-o", "json=r.json",
                                   "--progress-interval", "1"], in: dir)
        #expect(child.waitForOutput(timeout: 30) { _ in child.stderr.contains("running") })
        child.signal(SIGINT)
        let status = child.wait(timeout: 20)
        #expect(status == 130)
        #expect(child.stdout.contains("INTERRUPTED by SIGINT"))
        let data = try Data(contentsOf: URL(fileURLWithPath: dir + "/r.json"))
        let doc = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect((doc["run"] as? [String: Any])?["interrupted"] as? Bool == true)
        #expect(doc["exitCode"] as? Int == 130)
        // No temporary file is left next to the report.
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".tmp") }
        #expect(leftovers.isEmpty)
    }

    @Test func teardownStillCleansUpAfterCtrlC() throws {
        let server = try FixtureServer()
        let script = try CLI.writeScenario("""
            import SwiftLoad
            @main struct Cleanup: LoadTest {
                static let options = Options(scenarios: ["s": .constantVUs(2, duration: .seconds(60))])
                static func base(_ vu: VU) -> String { vu.env["TARGET", default: "http://127.0.0.1:9"] }
                static func setup(_ vu: VU) async throws -> (any Sendable)? {
                    _ = try await vu.http.get(base(vu) + "/ok", name: "create data")
                    return "batch-7"
                }
                static func iteration(_ vu: VU) async throws {
                    _ = try await vu.http.get(base(vu) + "/delay?ms=50", name: "work")
                }
                static func teardown(_ vu: VU) async throws {
                    let id = try vu.setupData.get(String.self)
                    _ = try await vu.http.get(base(vu) + "/ok?delete=" + id, name: "delete data")
                }
            }
            """)
        let dir = URL(fileURLWithPath: script).deletingLastPathComponent().path
        _ = try CLI.run(["inspect", script, "-q"], in: dir)
        let child = try CLI.start(["run", script, "-e", "TARGET=\(server.base)", "-o", "json=r.json", "--progress-interval", "1"],
                                  in: dir)
        #expect(child.waitForOutput(timeout: 30) { _ in child.stderr.contains("running") })
        child.signal(SIGINT)
        #expect(child.wait(timeout: 20) == 130)
        let data = try Data(contentsOf: URL(fileURLWithPath: dir + "/r.json"))
        let doc = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let counts = Dictionary(uniqueKeysWithValues: (doc["byName"] as? [[String: Any]] ?? []).map { ($0["name"] as? String ?? "", $0["count"] as? Int ?? 0) })
        #expect(counts["create data"] == 1)
        #expect(counts["delete data"] == 1, "\(counts)")
        #expect((counts["work"] ?? 0) > 0)
    }

    @Test func progressIsLineOrientedWithoutATerminalAndQuietSilencesIt() throws {
        let server = try FixtureServer()
        let script = try CLI.writeScenario(Self.quick)
        let loud = try CLI.run(["run", script, "--duration", "2500ms", "--progress-interval", "1", "-e", "TARGET=\(server.base)"])
        let lines = loud.stderr.split(separator: "\n").filter { $0.hasPrefix("running ") }
        #expect(lines.count >= 2, "\(loud.stderr)")
        #expect(!loud.stderr.contains("\r"))
        #expect(lines.first?.contains("req/s") == true)
        let quiet = try CLI.run(["run", script, "--duration", "1500ms", "--progress-interval", "1", "-q", "-e", "TARGET=\(server.base)"])
        #expect(!quiet.stderr.contains("running "))
        #expect(quiet.stdout.contains("latency"))
    }

    @Test func aTerminalGetsOneProgressLineRedrawnInPlace() throws {
        let server = try FixtureServer()
        let script = try CLI.writeScenario(Self.quick)
        let dir = URL(fileURLWithPath: script).deletingLastPathComponent().path
        // `script` gives the command a pseudo-terminal, as an interactive shell would.
        let command = "\(Paths.swiftload) run scenario.swift --duration 2500ms -e TARGET=\(server.base) -o json"
        let child = try ChildProcess("/usr/bin/script", ["-qec", command, "/dev/null"],
                                     environment: ["SWIFTLOAD_CACHE_DIR": CLI.cacheDir], currentDirectory: dir,
                                     logDir: Paths.temporaryDirectory(), name: "script")
        #expect(child.wait(timeout: 120) == 0, "\(child.stdout)")
        let out = child.stdout
        #expect(out.contains("\r\u{1B}[2Krunning 0:01/0:02"), "no redrawn progress line in \(out.debugDescription)")
        #expect(out.contains("✓ status is 200"))
        // -o json without a path writes into reports/ under the working directory.
        let reports = try FileManager.default.contentsOfDirectory(atPath: dir + "/reports")
        #expect(reports.count == 1 && reports[0].hasPrefix("scenario-") && reports[0].hasSuffix(".json"), "\(reports)")
    }

    @Test func theMLServerGRPCScenarioRunsAgainstAnOpenInferenceServer() throws {
        // The fixture's "iris" model separates the classes by petal length, as the scenario's
        // rows expect; against MLServer the same scenario checks the trained model.
        let server = try GRPCFixture()
        let r = try CLI.run(["run", Paths.packageRoot + "/scenarios/mlserver_grpc.swift", "--duration", "2s", "--rate", "50",
                             "-e", "TARGET=\(server.address)", "-e", "BATCH=3", "-q"])
        #expect(r.status == 0, "\(r.stdout)\n\(r.stderr)")
        // Real iris rows: the fixture's petal-length rule gets 142 of the 150 right, so the
        // check passes mostly and its threshold (rate > 0.9) holds.
        #expect(r.stdout.contains("predicted the label"))
        #expect(r.stdout.contains("✓ one class per row"))
        #expect(r.stdout.contains("✓ checks{check:predicted the label}: rate > 0.9"), "\(r.stdout)")
        #expect(r.stdout.contains("gRPC status: OK 100"))
        let broken = try CLI.run(["run", Paths.packageRoot + "/scenarios/mlserver_grpc.swift", "--duration", "1s", "--rate", "20",
                                  "-e", "TARGET=\(server.address)", "-e", "MODEL=missing", "-q"])
        #expect(broken.status == 99)
        #expect(broken.stdout.contains("gRPC NOT_FOUND"))
    }

    @Test func aRelocatedInstallRunsScenarios() throws {
        let prefix = Paths.temporaryDirectory("prefix")
        // install-only with BIN: this test runs inside SwiftPM, which holds the build folder's lock.
        let make = try ChildProcess("/usr/bin/make", ["-s", "install-only", "BIN=\(Paths.buildDir)", "PREFIX=\(prefix)/first"],
                                    currentDirectory: Paths.packageRoot, logDir: prefix, name: "make")
        #expect(make.wait(timeout: 300) == 0, "\(make.stderr)")
        try FileManager.default.moveItem(atPath: prefix + "/first", toPath: prefix + "/moved")
        let server = try FixtureServer()
        let script = try CLI.writeScenario(Self.quick)
        let r = try CLI.run(["run", script, "--iterations", "3", "-e", "TARGET=\(server.base)"],
                            environment: ["SWIFTLOAD_CACHE_DIR": prefix + "/cache"], executable: prefix + "/moved/bin/swiftload")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("3 passed"))
    }
}
