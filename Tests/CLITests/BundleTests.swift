import Foundation
import Testing
import TestSupport

/// `swiftload build`: the folder a pod runs. Copied to a fresh place and started with an empty
/// environment (no toolchain on the PATH, no library path), it must load only its own libraries
/// and the system's, run a segment with its data file, and merge.
@Suite(.serialized) struct BundleTests {
    static let scenario = """
        import SwiftLoad

        @main struct Bundled: LoadTest {
            static let ids = Feeder.csv("data/ids.csv", strategy: .unique)
            static let options = Options(scenarios: ["ids": .sharedIterations(vus: 2, iterations: 6)])

            static func iteration(_ vu: VU) async throws {
                let id = try ids.next(vu).value("id", as: Int.self)
                let r = try await vu.http.get("\\(vu.env["TARGET", default: "http://127.0.0.1:9"])/f64?id=\\(id)", name: "id")
                vu.check(r, "200") { $0.status == 200 }
            }
        }
        """

    /// Runs `arguments` with nothing from this process's environment but what is given.
    static func clean(_ arguments: [String], env: [String] = [], in dir: String? = nil) throws -> CLI.Result {
        let child = try ChildProcess("/usr/bin/env", ["-i", "PATH=/usr/bin:/bin", "HOME=/tmp"] + env + arguments,
                                     currentDirectory: dir, logDir: Paths.temporaryDirectory("bundle-run"), name: "bundle")
        let status = child.wait(timeout: 60)
        return CLI.Result(status: status, stdout: child.stdout, stderr: child.stderr)
    }

    @Test func aBuiltScenarioRunsWithoutAToolchain() throws {
        let nginx = try NginxServer()
        let script = try CLI.writeScenario(Self.scenario)
        let scriptDir = URL(fileURLWithPath: script).deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: scriptDir + "/data", withIntermediateDirectories: true)
        try "id\n" .appending((1...6).map(String.init).joined(separator: "\n")).appending("\n")
            .write(toFile: scriptDir + "/data/ids.csv", atomically: true, encoding: .utf8)

        let out = Paths.temporaryDirectory("bundle") + "/built"
        let build = try CLI.run(["build", script, "-o", out, "--include", "data/ids.csv", "-q"])
        #expect(build.status == 0, "\(build.stderr)")
        let built = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/bundle.json"))) as? [String: Any])
        #expect((built["scriptHash"] as? String)?.count == 64)

        // Moved elsewhere: nothing may point back at the build.
        let moved = Paths.temporaryDirectory("bundle-moved") + "/scenario"
        try FileManager.default.moveItem(atPath: out, toPath: moved)
        let ldd = try Self.clean(["LD_LIBRARY_PATH=\(moved)/lib", "/usr/bin/ldd", moved + "/bin/scenario", moved + "/bin/swiftload"])
        #expect(ldd.status == 0, "\(ldd.stderr)")
        let resolved = ldd.stdout.split(separator: "\n").filter { $0.contains("=>") }
        #expect(!resolved.isEmpty)
        for line in resolved {
            #expect(!line.contains("not found") && !line.contains("/opt/") && !line.contains(".build"), "\(line)")
        }
        #expect(resolved.contains { $0.contains("libSwiftLoad.so => \(moved)/lib/") })
        #expect(resolved.contains { $0.contains("libswiftCore.so => \(moved)/lib/") })

        // Two segments from the bundle, from a folder of their own, merged by the bundle.
        let work = Paths.temporaryDirectory("bundle-work")
        nginx.truncateLog()
        for i in 1...2 {
            let r = try Self.clean([moved + "/run", "-q", "-e", "TARGET=\(nginx.base)", "-o", "json=seg\(i).json"],
                                   env: ["SWIFTLOAD_SEGMENT=\(i)/2"], in: work)
            #expect(r.status == 0, "\(r.stderr)\n\(r.stdout)")
        }
        let merged = try Self.clean([moved + "/run", "merge", "seg1.json", "seg2.json", "-q", "-o", "json=merged.json"], in: work)
        #expect(merged.status == 0, "\(merged.stderr)")
        let result = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: work + "/merged.json"))) as? [String: Any])
        #expect((result["requests"] as? [String: Any])?["count"] as? Int == 6)
        #expect((result["run"] as? [String: Any])?["scriptHash"] as? String == built["scriptHash"] as? String)
        let ids = nginx.accessLog().compactMap { $0.first { $0.contains("id=") } }
            .compactMap { $0.split(separator: "id=").last.map(String.init) }
        #expect(ids.sorted() == (1...6).map(String.init), "each unique row once across the segments: \(ids)")
    }

    @Test func aFolderThatIsNotABundleIsNotReplaced() throws {
        let script = try CLI.writeScenario(Self.scenario)
        let dir = Paths.temporaryDirectory("not-a-bundle")
        try "keep".write(toFile: dir + "/precious.txt", atomically: true, encoding: .utf8)
        let r = try CLI.run(["build", script, "-o", dir, "-q"])
        #expect(r.status == 2, "\(r.stderr)")
        #expect(r.stderr.contains("is not a scenario bundle"))
        #expect(FileManager.default.fileExists(atPath: dir + "/precious.txt"))
    }
}
