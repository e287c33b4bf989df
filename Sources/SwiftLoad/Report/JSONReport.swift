import Foundation

/// The JSON result file (`--out json=PATH`): the whole `RunResult`, keys sorted, written
/// atomically.
public enum JSONReport {
    public static func encode(_ result: RunResult) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try encoder.encode(result)
    }

    public static func write(_ result: RunResult, to path: String) throws {
        try AtomicFile.write(try encode(result), to: path)
    }

    /// Reads a result file, refusing ones written by a newer schema.
    public static func read(_ path: String) throws -> RunResult {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return try JSONDecoder().decode(RunResult.self, from: data)
    }
}
