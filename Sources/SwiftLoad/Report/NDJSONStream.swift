import Foundation

/// `--out ndjson=PATH`: the run as it happens, one JSON object per line, for tools that tail
/// the file (`jq`, a dashboard, a log shipper). Unlike the other reports this file is a stream,
/// written as the run goes rather than atomically at the end; every line is complete when it
/// lands.
///
///     {"type":"start","script":"…","startTime":"…","scenarios":[…]}
///     {"type":"point","point":{…}}          once a second (a `TimeSeriesPoint`)
///     {"type":"end","exitCode":0,…}          the totals, thresholds and exit code
public final class NDJSONStream: @unchecked Sendable {
    // @unchecked: used from the coordinator thread only.
    public let path: String
    private let handle: FileHandle
    private let encoder: JSONEncoder

    /// Opens (truncates) `path`, creating its folder.
    public init(path: String) throws(AtomicFile.WriteError) {
        self.path = path
        let dir = URL(fileURLWithPath: path).deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        } catch {
            throw AtomicFile.WriteError(path: path, reason: "cannot create folder \(dir.path)")
        }
        guard FileManager.default.createFile(atPath: path, contents: nil),
              let handle = FileHandle(forWritingAtPath: path) else {
            throw AtomicFile.WriteError(path: path, reason: String(cString: strerror(errno)))
        }
        self.handle = handle
        encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    }

    deinit { try? handle.close() }

    struct Start: Encodable { let type = "start"; let script: String?; let startTime: String; let scenarios: [String] }
    struct Point: Encodable { let type = "point"; let point: TimeSeriesPoint }
    struct End: Encodable {
        let type = "end"
        let durationSeconds: Double
        let interrupted: Bool
        let exitCode: Int
        let requests: RequestGroupStats
        let thresholds: [ThresholdOutcome]
    }

    public func start(script: String?, scenarios: [String]) {
        line(Start(script: script, startTime: RFC3339.string(Date()), scenarios: scenarios))
    }

    public func point(_ p: TimeSeriesPoint) { line(Point(point: p)) }

    public func end(_ r: RunResult) {
        line(End(durationSeconds: r.run.durationSeconds, interrupted: r.run.interrupted, exitCode: r.exitCode,
                 requests: r.requests, thresholds: r.thresholds))
        try? handle.synchronize()
    }

    private func line<T: Encodable>(_ value: T) {
        guard var data = try? encoder.encode(value) else { return }
        data.append(0x0A)
        // One write per line: a reader never sees half a line followed by another writer's.
        try? handle.write(contentsOf: data)
    }
}
