import Foundation

/// Reading a result file written by `--out json`, with errors worded for the command line.
public enum ResultFile {
    public struct ReadError: Error, Sendable, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "\(path): \(reason)" }
    }

    /// Reads and checks `path`: present, complete JSON, a result of a schema this version knows,
    /// histograms that decode.
    public static func read(_ path: String) throws(ReadError) -> RunResult {
        guard FileManager.default.fileExists(atPath: path) else { throw ReadError(path: path, reason: "no such file") }
        guard let data = FileManager.default.contents(atPath: path) else { throw ReadError(path: path, reason: "cannot be read") }
        guard let object = try? JSONSerialization.jsonObject(with: data), let doc = object as? [String: Any] else {
            throw ReadError(path: path, reason: data.isEmpty ? "is empty" : "is not complete JSON (truncated or corrupt)")
        }
        guard let version = doc["schemaVersion"] as? Int else {
            throw ReadError(path: path, reason: "is not a swiftload result (no schemaVersion)")
        }
        if version > RunResult.currentSchemaVersion {
            throw ReadError(path: path, reason: "was written with result schema \(version); this swiftload (\(SwiftLoadVersion.current)) reads up to \(RunResult.currentSchemaVersion): use a newer swiftload")
        }
        let result: RunResult
        do {
            result = try JSONDecoder().decode(RunResult.self, from: data)
        } catch let DecodingError.keyNotFound(key, context) {
            throw ReadError(path: path, reason: "is not a valid result: \(Self.where(context.codingPath + [key])) is missing")
        } catch let DecodingError.typeMismatch(_, context) {
            throw ReadError(path: path, reason: "is not a valid result: \(Self.where(context.codingPath)) has the wrong type")
        } catch let DecodingError.valueNotFound(_, context) {
            throw ReadError(path: path, reason: "is not a valid result: \(Self.where(context.codingPath)) is null")
        } catch {
            throw ReadError(path: path, reason: "is not a valid result")
        }
        for s in result.histograms.series {
            for (metric, h) in s.metrics {
                if let why = h.incompatibility {
                    throw ReadError(path: path, reason: "the \(metric) histogram of \(s.name) cannot be merged with other results: \(why)")
                }
            }
        }
        return result
    }

    private static func `where`(_ path: [any CodingKey]) -> String {
        path.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().drop { $0 == "." }.description
    }
}
