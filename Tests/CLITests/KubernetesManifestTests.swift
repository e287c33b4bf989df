import Foundation
import SwiftLoad
import Testing
import TestSupport

/// deploy/kubernetes: every manifest passes the Kubernetes 1.37 schemas (PyPI kubernetes-validate,
/// strict: unknown fields are errors), the pieces agree with each other, and a bundle run the way
/// the Indexed Job runs it — the ConfigMap's environment, the Job's arguments, JOB_COMPLETION_INDEX,
/// no toolchain — produces the files the merge Job's command merges.
@Suite(.serialized) struct KubernetesManifestTests {
    static let dir = Paths.packageRoot + "/deploy/kubernetes"
    static let venv = Paths.packageRoot + "/.venv-test/bin"

    static func manifests() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".yaml") }.sorted().map { dir + "/" + $0 }
    }

    static func validate(_ files: [String]) throws -> CLI.Result {
        let child = try ChildProcess(venv + "/kubernetes-validate", ["--strict", "-k", "1.37.0"] + files,
                                     logDir: Paths.temporaryDirectory("k8s-validate"), name: "validate")
        let status = child.wait(timeout: 120)
        return CLI.Result(status: status, stdout: child.stdout, stderr: child.stderr)
    }

    /// Every document of every manifest, as JSON objects keyed "kind/name".
    static func documents() throws -> [String: [String: Any]] {
        let child = try ChildProcess(venv + "/python", ["-c", """
            import json, sys, yaml
            docs = {}
            for path in sys.argv[1:]:
                for d in yaml.safe_load_all(open(path)):
                    if d: docs[d["kind"] + "/" + d["metadata"]["name"]] = d
            print(json.dumps(docs))
            """] + (try manifests()), logDir: Paths.temporaryDirectory("k8s-yaml"), name: "yaml")
        #expect(child.wait(timeout: 60) == 0, "\(child.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(child.stdout.utf8)) as? [String: [String: Any]])
    }

    @Test func everyManifestPassesTheKubernetesSchemas() throws {
        let files = try Self.manifests()
        #expect(files.count >= 4)
        let r = try Self.validate(files)
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.components(separatedBy: "passed for resource").count - 1 == 5, "\(r.stdout)")
        // The validator is not a formality: a misspelt field fails it.
        let broken = Paths.temporaryDirectory("k8s-broken") + "/job.yaml"
        try String(contentsOfFile: Self.dir + "/load-job.yaml", encoding: .utf8)
            .replacingOccurrences(of: "backoffLimit:", with: "backofLimit:")
            .write(toFile: broken, atomically: true, encoding: .utf8)
        let bad = try Self.validate([broken])
        #expect(bad.status != 0, "\(bad.stdout)")
    }

    @Test func theJobTheConfigMapAndTheImageAgree() throws {
        let docs = try Self.documents()
        let job = try #require(docs["Job/swiftload-load"]?["spec"] as? [String: Any])
        let config = try #require(docs["ConfigMap/swiftload-run"]?["data"] as? [String: String])
        #expect(job["completionMode"] as? String == "Indexed")
        #expect(job["backoffLimit"] as? Int == 0)
        #expect(job["completions"] as? Int == Int(config["SWIFTLOAD_SEGMENT_COUNT"] ?? ""))
        #expect(job["parallelism"] as? Int == job["completions"] as? Int)
        let start = try #require(config["SWIFTLOAD_START_AT"])
        #expect((try? StartBarrier.parse(start).get()) != nil, "SWIFTLOAD_START_AT \(start)")

        // The ConfigMap's source is the scenario the image builds by default.
        let source = try #require((docs["ConfigMap/swiftload-scenario"]?["data"] as? [String: String])?["scenario.swift"])
        let dockerfile = try String(contentsOfFile: Self.dir + "/Dockerfile", encoding: .utf8)
        let scenario = try #require(dockerfile.split(separator: "\n").first { $0.hasPrefix("ARG SCENARIO=") }?
            .dropFirst("ARG SCENARIO=".count))
        // Code lines (blank lines and the leading comment aside) must be the same.
        func code(_ text: String) -> [Substring] { Array(text.split(separator: "\n").drop { $0.hasPrefix("//") }) }
        let file = try String(contentsOfFile: Paths.packageRoot + "/" + scenario, encoding: .utf8)
        #expect(code(source) == code(file), "the ConfigMap's scenario.swift is not \(scenario)")

        // The runtime stage installs every system package a bundle needs.
        let runtime = try #require(dockerfile.components(separatedBy: "FROM debian:12-slim").last)
        let script = try CLI.writeScenario(BundleTests.scenario)
        let out = Paths.temporaryDirectory("k8s-bundle") + "/b"
        let build = try CLI.run(["build", script, "-o", out, "-q"])
        #expect(build.status == 0, "\(build.stderr)")
        let manifest = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/bundle.json"))) as? [String: Any])
        let packages = try #require(manifest["systemPackages"] as? [String])
        for p in packages { #expect(runtime.contains(" \(p)"), "the image does not install \(p)") }
    }

    /// The pods of the Indexed Job, emulated: the bundle started with the ConfigMap's environment
    /// (target and start time set for this machine), JOB_COMPLETION_INDEX and the Job's arguments;
    /// then the merge Job's command over what they wrote.
    @Test func podsRunTheirSegmentsAndTheMergeJobMergesThem() throws {
        let docs = try Self.documents()
        let nginx = try NginxServer()
        let source = """
            import SwiftLoad

            @main struct Pod: LoadTest {
                static let options = Options(
                    scenarios: ["open": .constantArrivalRate(80, duration: .seconds(2), preAllocatedVUs: 2, maxVUs: 20)])
                static func iteration(_ vu: VU) async throws {
                    _ = try await vu.http.get("\\(vu.env["TARGET", default: "http://127.0.0.1:9"])/f64", name: "f64")
                }
            }
            """
        let script = try CLI.writeScenario(source)
        let bundle = Paths.temporaryDirectory("k8s-pod") + "/opt-scenario"
        let build = try CLI.run(["build", script, "-o", bundle, "-q"])
        #expect(build.status == 0, "\(build.stderr)")

        let spec = try #require((((docs["Job/swiftload-load"]?["spec"] as? [String: Any])?["template"] as? [String: Any])?["spec"] as? [String: Any]))
        let container = try #require((spec["containers"] as? [[String: Any]])?.first)
        let args = try #require(container["args"] as? [String])
        var config = try #require(docs["ConfigMap/swiftload-run"]?["data"] as? [String: String])
        config["TARGET"] = nginx.base
        config["SWIFTLOAD_START_AT"] = String(format: "%.3f", Date().timeIntervalSince1970 + 2)
        let count = try #require(Int(config["SWIFTLOAD_SEGMENT_COUNT"] ?? ""))
        let results = Paths.temporaryDirectory("k8s-results")
        nginx.truncateLog()
        let pods = try (0..<count).map { index -> ChildProcess in
            let podArgs = args.map {
                $0.replacingOccurrences(of: "$(JOB_COMPLETION_INDEX)", with: String(index))
                    .replacingOccurrences(of: "/results/", with: results + "/")
            }
            let env = config.map { "\($0.key)=\($0.value)" } + ["JOB_COMPLETION_INDEX=\(index)"]
            return try ChildProcess("/usr/bin/env", ["-i", "PATH=/usr/bin:/bin", "HOME=/tmp"] + env + [bundle + "/run"] + podArgs,
                                    logDir: Paths.temporaryDirectory("k8s-pod-\(index)"), name: "pod")
        }
        for pod in pods { #expect(pod.wait(timeout: 60) == 0, "\(pod.stderr)") }

        let merge = try #require((((((docs["Job/swiftload-merge"]?["spec"] as? [String: Any])?["template"] as? [String: Any])?["spec"] as? [String: Any])?["containers"] as? [[String: Any]])?.first))
        let command = try #require((merge["command"] as? [String]).map { $0 + (merge["args"] as? [String] ?? []) })
        #expect(command.prefix(2) == ["/bin/sh", "-c"])
        let line = command[2].replacingOccurrences(of: "/opt/scenario/", with: bundle + "/")
            .replacingOccurrences(of: "/results/", with: results + "/")
        let merged = try ChildProcess("/usr/bin/env", ["-i", "PATH=/usr/bin:/bin", "HOME=/tmp", "/bin/sh", "-c", line],
                                      logDir: Paths.temporaryDirectory("k8s-merge"), name: "merge")
        #expect(merged.wait(timeout: 60) == 0, "\(merged.stderr)")
        let result = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: results + "/merged.json"))) as? [String: Any])
        #expect((result["run"] as? [String: Any])?["mergedSegments"] as? [String] == (1...count).map { "\($0)/\(count)" })
        let requests = (result["requests"] as? [String: Any])?["count"] as? Int
        #expect(requests == nginx.accessLog().count, "merged \(requests ?? -1)")
        let scenario = try #require((result["scenarios"] as? [[String: Any]])?.first)
        #expect((scenario["iterations"] as? Int ?? 0) + (scenario["droppedIterations"] as? Int ?? 0) == 160)
        for file in ["merged.html", "merged.xml"] { #expect(FileManager.default.fileExists(atPath: results + "/" + file)) }
    }
}
