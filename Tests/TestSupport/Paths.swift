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

    /// A new empty temporary folder.
    public static func temporaryDirectory(_ name: String = "swiftload-test") -> String {
        let dir = NSTemporaryDirectory() + "\(name)-\(getpid())-\(UUID().uuidString.prefix(8))"
        try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }
}
