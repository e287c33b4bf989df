import Foundation

/// Where the package and the built products are, seen from a running test.
public enum Paths {
    /// The package root (holds Package.swift).
    public static let packageRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url.path }
        }
        fatalError("no Package.swift above \(#filePath)")
    }()

    /// The build folder the tests run from (the `swiftload` binary and libSwiftLoad.so are here).
    public static let buildDir: String = {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var url = URL(fileURLWithPath: exe).deletingLastPathComponent()
        // The test bundle may sit in a .xctest folder inside the build folder.
        while url.path != "/" && !FileManager.default.fileExists(atPath: url.appendingPathComponent("swiftload").path) {
            url.deleteLastPathComponent()
        }
        return url.path
    }()

    public static var swiftload: String { buildDir + "/swiftload" }
    public static var fixtures: String { packageRoot + "/Tests/Fixtures" }

    /// The Python of the test venv (grpcio, h2), which scripts/test.sh creates.
    public static func testPython() throws -> String {
        let python = packageRoot + "/.venv-test/bin/python"
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw TestFailure("\(python) is missing: run scripts/test.sh, which installs Tests/Fixtures/requirements.txt into .venv-test")
        }
        return python
    }

    /// A new empty temporary folder, inside this test process's own folder (`scratchRoot`).
    public static func temporaryDirectory(_ name: String = "swiftload-test") -> String {
        let dir = scratchRoot + "/\(name)-\(UUID().uuidString.prefix(8))"
        try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Where this process's temporary folders go: removed when the process exits, and by the
    /// next test process if this one died first (servers' logs and documents, compiled
    /// scenarios and reports come to gigabytes over a few runs of the suite).
    static let scratchRoot: String = {
        let prefix = "swiftload-tests-"
        let tmp = NSTemporaryDirectory()
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: tmp)) ?? [] where entry.hasPrefix(prefix) {
            guard let pid = Int32(entry.dropFirst(prefix.count)), kill(pid, 0) != 0, errno == ESRCH else { continue }
            try? FileManager.default.removeItem(atPath: tmp + entry)
        }
        let root = tmp + prefix + String(getpid())
        try! FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        atexit { Paths.removeScratchRoot() }
        return root
    }()

    private static func removeScratchRoot() {
        if ProcessInfo.processInfo.environment["SWIFTLOAD_KEEP_TEST_FILES"] == nil {
            try? FileManager.default.removeItem(atPath: scratchRoot)
        }
    }
}
