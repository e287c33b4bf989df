import Foundation

/// A Ray cluster of two nodes on loopback (`ray start --head` and a second `ray start --address`),
/// from the `.venv-ray` venv, with every port chosen here (below 32768) and its own temp folder.
///
/// Each node runs `ray start --block` in a session of its own (`setsid --wait`, which forks it and
/// waits), so the node's processes (GCS, raylet, agents, workers) share one process group whose id
/// is the forked child's PID: stopping sends SIGTERM, then SIGKILL, to that group, never to
/// processes found by name.
public final class RayCluster: @unchecked Sendable {
    public let address: String
    public let python: String
    private let head: ChildProcess
    private let worker: ChildProcess
    public let tempDir: String
    /// The nodes' TMPDIR, inherited by their workers: where the segments unpack their bundles.
    public let workerTempDir: String

    public static var venv: String { Paths.packageRoot + "/.venv-ray" }

    public init(cpusPerNode: Int = 1) throws {
        let ray = Self.venv + "/bin/ray"
        python = Self.venv + "/bin/python"
        guard FileManager.default.isExecutableFile(atPath: ray) else {
            throw SetupError("no Ray at \(ray): scripts/test.sh installs deploy/ray/requirements.txt into .venv-ray")
        }
        // Ray's socket paths must stay short (AF_UNIX limit): a short folder of our own.
        tempDir = "/tmp/rayt-\(getpid())-\(Int.random(in: 1000...9999))"
        workerTempDir = tempDir + "/tmp"
        try FileManager.default.createDirectory(atPath: workerTempDir, withIntermediateDirectories: true)
        let gcs = Ports.free()
        address = "127.0.0.1:\(gcs)"
        func ports(_ node: String) -> [String] {
            ["--node-ip-address", "127.0.0.1", "--num-cpus", String(cpusPerNode), "--disable-usage-stats",
             "--node-manager-port", String(Ports.free()), "--object-manager-port", String(Ports.free()),
             "--dashboard-agent-listen-port", String(Ports.free()), "--dashboard-agent-grpc-port", String(Ports.free()),
             "--runtime-env-agent-port", String(Ports.free()), "--metrics-export-port", String(Ports.free()),
             "--worker-port-list", (0..<16).map { _ in String(Ports.free()) }.joined(separator: ",")]
        }
        let env = ["RAY_USAGE_STATS_ENABLED": "0", "TMPDIR": workerTempDir]
        let logs = Paths.temporaryDirectory("ray")
        head = try ChildProcess("/usr/bin/setsid", ["--wait", ray, "start", "--head", "--block", "--port", String(gcs),
                                                    "--include-dashboard=false", "--dashboard-port", String(Ports.free()), "--temp-dir", tempDir] + ports("head"),
                                environment: env, logDir: logs, name: "ray-head")
        guard Self.started(head) else {
            Self.stopGroup(head)
            throw SetupError("the Ray head did not start: \(head.stdout.suffix(2000))\(head.stderr.suffix(2000))")
        }
        worker = try ChildProcess("/usr/bin/setsid", ["--wait", ray, "start", "--block", "--address", address] + ports("worker"),
                                  environment: env, logDir: logs, name: "ray-worker")
        guard Self.started(worker) else {
            Self.stopGroup(worker)
            Self.stopGroup(head)
            throw SetupError("the second Ray node did not start: \(worker.stdout.suffix(2000))\(worker.stderr.suffix(2000))")
        }
    }

    /// Waits for `ray start` to say the node runs (on either stream), up to 90 s.
    private static func started(_ node: ChildProcess) -> Bool {
        let deadline = Date().addingTimeInterval(90)
        while Date() < deadline {
            if (node.stdout + node.stderr).contains("Ray runtime started") { return true }
            if !node.process.isRunning { return false }
            usleep(100_000)
        }
        return false
    }

    /// Stops the worker node, then the head (each by its process group).
    public func stop() {
        Self.stopGroup(worker)
        Self.stopGroup(head)
        try? FileManager.default.removeItem(atPath: tempDir)
    }

    deinit { stop() }

    private static func stopGroup(_ child: ChildProcess) {
        guard let group = forkedGroup(of: child.pid), groupAlive(group) else {
            child.stop(grace: 2)
            return
        }
        kill(-group, SIGTERM)
        let deadline = Date().addingTimeInterval(8)
        while groupAlive(group) && Date() < deadline { usleep(50_000) }
        if groupAlive(group) { kill(-group, SIGKILL) }
        child.wait(timeout: 10)
    }

    /// The process group of the child `setsid` forked (its PID), or nil once it is gone.
    static func forkedGroup(of parent: Int32) -> Int32? {
        for (_, fields) in processes() where fields.count > 2 && Int32(fields[1]) == parent {
            return Int32(fields[2])
        }
        return nil
    }

    /// Each running process's /proc stat fields after "pid (comm) ": state, ppid, pgrp, ….
    private static func processes() -> [(Int32, [Substring])] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { pid -> (Int32, [Substring])? in
            guard let id = Int32(pid), let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return nil }
            return (id, stat[stat.index(after: close)...].split(separator: " "))
        }
    }

    /// Whether a process of `group` still runs (zombies waiting for their parent do not count).
    static func groupAlive(_ group: Int32) -> Bool {
        processes().contains { _, fields in fields.count > 2 && fields[0] != "Z" && Int32(fields[2]) == group }
    }

    public struct SetupError: Error, CustomStringConvertible {
        public var description: String
        init(_ d: String) { description = d }
    }
}
