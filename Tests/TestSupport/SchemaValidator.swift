import Foundation

/// Checks result files against `schema/result.schema.json` with Python's `jsonschema`, in one
/// long-lived process for the whole test run (a check costs milliseconds, not a start-up).
public final class SchemaValidator: @unchecked Sendable {
    // @unchecked: every use goes through `lock`.
    public static let shared = SchemaValidator()

    private let lock = NSLock()
    private var process: Process?
    private var input: FileHandle?
    private var output: FileHandle?
    private var buffer = Data()
    private var startError: String?

    private func start() {
        guard process == nil, startError == nil else { return }
        do {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: try Paths.testPython())
            p.arguments = [Paths.fixtures + "/validate_result.py", Paths.packageRoot + "/schema/result.schema.json"]
            let stdin = Pipe(), stdout = Pipe()
            p.standardInput = stdin
            p.standardOutput = stdout
            try p.run()
            process = p
            input = stdin.fileHandleForWriting
            output = stdout.fileHandleForReading
        } catch {
            startError = "cannot start the schema validator: \(error)"
        }
    }

    /// The schema violations in the JSON file at `path` (empty when it conforms).
    public func problems(inFileAt path: String) -> [String] {
        lock.lock()
        defer { lock.unlock() }
        start()
        if let startError { return [startError] }
        guard let input, let output else { return ["the schema validator is not running"] }
        input.write(Data((path + "\n").utf8))
        var lines: [String] = []
        while true {
            if let nl = buffer.firstIndex(of: 0x0A) {
                let line = String(decoding: buffer[buffer.startIndex..<nl], as: UTF8.self)
                buffer.removeSubrange(buffer.startIndex...nl)
                if line == "END" { return lines }
                lines.append(line)
                continue
            }
            let chunk = output.availableData
            if chunk.isEmpty { return lines + ["the schema validator stopped"] }
            buffer.append(chunk)
        }
    }

    /// The schema violations in `data`, a result as JSON.
    public func problems(in data: Data) -> [String] {
        let path = NSTemporaryDirectory() + "swiftload-result-\(getpid())-\(UUID().uuidString.prefix(8)).json"
        guard FileManager.default.createFile(atPath: path, contents: data) else { return ["cannot write \(path)"] }
        defer { try? FileManager.default.removeItem(atPath: path) }
        return problems(inFileAt: path)
    }

    deinit {
        try? input?.close()
        process?.waitUntilExit()
    }
}

/// Headless Chromium opening a report (Tests/Fixtures/browser_check.py).
public enum BrowserCheck {
    public struct Outcome: Decodable, Sendable {
        public struct Page: Decodable, Sendable {
            public var title: String
            public var verdict: String?
            public var charts: Int
            public var series: [Int]
            public var drawn: [[Int]]
            public var tables: Int
            public var scripts: Int
            public var width: Int
            public var height: Int
        }
        public var errors: [String]
        public var page: Page
    }

    /// Opens `report` and returns what the browser saw; saves a screenshot when asked.
    public static func open(_ report: String, screenshot: String? = nil) throws -> Outcome {
        let logDir = Paths.temporaryDirectory("browser")
        let child = try ChildProcess(try Paths.testPython(),
                                     [Paths.fixtures + "/browser_check.py", report, String(Ports.free())] + (screenshot.map { [$0] } ?? []),
                                     logDir: logDir, name: "browser")
        let status = child.wait(timeout: 90)
        guard status == 0, let data = child.stdout.data(using: .utf8), !data.isEmpty else {
            throw TestFailure("browser check failed (exit \(status)): \(child.stderr.suffix(2000))")
        }
        return try JSONDecoder().decode(Outcome.self, from: data)
    }
}
