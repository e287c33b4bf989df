import Foundation
import Synchronization
internal import SwiftCSV

/// Test data handed out to iterations: rows of a CSV file, objects of a JSON-lines file, or the
/// elements of an array. One feeder is shared by every VU on every worker (an atomic counter,
/// no lock), so `.sequential` walks the data once across the whole test and `.unique` hands out
/// each record exactly once. A test run in segments (`--segment`) deals the records out like
/// its VUs and arrivals: each segment walks its own records, and a `.unique` record goes to one
/// segment only.
///
///     static let rows = Feeder.csv("data/iris.csv", strategy: .random)
///     …
///     let row = try Self.rows.next(vu)
///     let petalLength = try row.value("petal_length", as: Float.self)
///
/// Files are read once, on first use, relative to the scenario file's folder.
public final class Feeder<Element: Sendable>: Sendable {
    public enum Strategy: Sendable {
        /// Records in file order, wrapping around at the end (shared by all VUs).
        case sequential
        /// A record drawn at random for each call.
        case random
        /// Each record once; when they run out the test stops with a clear message (Gatling's
        /// queue feeder).
        case unique
    }

    public let name: String
    public let strategy: Strategy
    private let records: Result<[Element], FeederError>
    private let cursor = Atomic<Int>(0)

    init(name: String, strategy: Strategy, records: Result<[Element], FeederError>) {
        self.name = name
        self.strategy = strategy
        self.records = records
    }

    /// A feeder over values in code.
    public static func array(_ values: [Element], strategy: Strategy = .sequential, name: String = "array") -> Feeder<Element> {
        Feeder(name: name, strategy: strategy,
               records: values.isEmpty ? .failure(FeederError(name, "has no records", dataUnreadable: true)) : .success(values))
    }

    /// The number of records (0 when the data could not be read).
    public var count: Int { (try? records.get().count) ?? 0 }

    /// `count` records for one call (a batch of rows for one request), per the strategy.
    public func next(_ vu: VU, count: Int) throws -> [Element] {
        try (0..<max(0, count)).map { _ in try next(vu) }
    }

    /// The record for this call, per the strategy.
    public func next(_ vu: VU) throws -> Element {
        let all = try records.get()
        switch strategy {
        case .sequential:
            let segment = ExecutionSegment.running
            let k = cursor.add(1, ordering: .relaxed).newValue - 1
            return all[segment.global(k % max(1, segment.count(all.count))) % all.count]
        case .random:
            return all[Int.random(in: 0..<all.count, using: &vu.random)]
        case .unique:
            let segment = ExecutionSegment.running
            let k = cursor.add(1, ordering: .relaxed).newValue - 1
            let mine = segment.count(all.count)
            guard k < mine else { throw FeederExhausted(name: name, count: mine, segment: segment) }
            return all[segment.global(k)]
        }
    }
}

extension Feeder where Element == FeederRecord {
    /// The rows of a CSV file with a header line (RFC 4180 quoting), as records keyed by column.
    public static func csv(_ path: String, strategy: Strategy = .sequential) -> Feeder<FeederRecord> {
        Feeder(name: path, strategy: strategy, records: Result {
            let text = try ScriptLocation.read(path)
            let table: CSV<Named>
            do {
                table = try CSV<Named>(string: text, delimiter: .comma)
            } catch {
                throw FeederError(path, "is not valid CSV: \(error)", dataUnreadable: true)
            }
            guard !table.rows.isEmpty else { throw FeederError(path, "has no records below its header", dataUnreadable: true) }
            return table.rows.map { FeederRecord(fields: $0, json: nil) }
        }.mapError { $0 as? FeederError ?? FeederError(path, "\($0)", dataUnreadable: true) })
    }

    /// The lines of a JSON-lines file, one JSON object per line, as records (`decode(_:)` gives
    /// the object as any `Decodable`; scalar fields also read as strings).
    public static func jsonLines(_ path: String, strategy: Strategy = .sequential) -> Feeder<FeederRecord> {
        Feeder(name: path, strategy: strategy, records: Result {
            let text = try ScriptLocation.read(path)
            var out: [FeederRecord] = []
            for (n, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
                if line.allSatisfy(\.isWhitespace) { continue }
                let data = Data(line.utf8)
                guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                    throw FeederError(path, "line \(n + 1) is not a JSON object", dataUnreadable: true)
                }
                var fields: [String: String] = [:]
                for (k, v) in object {
                    switch v {
                    case let s as String: fields[k] = s
                    case let n as NSNumber: fields[k] = n.stringValue
                    default: break
                    }
                }
                out.append(FeederRecord(fields: fields, json: data))
            }
            guard !out.isEmpty else { throw FeederError(path, "has no records", dataUnreadable: true) }
            return out
        }.mapError { $0 as? FeederError ?? FeederError(path, "\($0)", dataUnreadable: true) })
    }
}

/// One record of a CSV or JSON-lines feeder.
public struct FeederRecord: Sendable {
    /// Column (or scalar field) values as text.
    public let fields: [String: String]
    let json: Data?

    public subscript(_ key: String) -> String? { fields[key] }

    /// The field `key` converted to `T` (`Int`, `Double`, `Float`, `Bool`, …).
    public func value<T: LosslessStringConvertible>(_ key: String, as type: T.Type = T.self) throws -> T {
        guard let text = fields[key] else {
            throw FeederError("record", "has no field '\(key)' (fields: \(fields.keys.sorted().joined(separator: ", ")))")
        }
        guard let v = T(text.trimmingSpaces()) else { throw FeederError("record", "field '\(key)' = '\(text)' is not a \(T.self)") }
        return v
    }

    /// Several fields converted to `T`, in the order of `keys`: a feature row from a CSV.
    public func values<T: LosslessStringConvertible>(_ keys: [String], as type: T.Type = T.self) throws -> [T] {
        try keys.map { try value($0, as: T.self) }
    }

    /// The record decoded from its JSON (JSON-lines feeders).
    public func decode<T: Decodable>(_ type: T.Type = T.self) throws -> T {
        guard let json else { throw FeederError("record", "is a CSV row, not JSON: read its fields instead") }
        return try JSONDecoder().decode(T.self, from: json)
    }
}

/// Test data that cannot be read or used.
public struct FeederError: Error, CustomStringConvertible {
    public var description: String
    /// The feeder's data could not be read at all: every iteration would fail, so the run stops
    /// (exit code 2, bad input).
    public var isDataUnreadable: Bool
    init(_ name: String, _ problem: String, dataUnreadable: Bool = false) {
        description = "feeder \(name) \(problem)"
        isDataUnreadable = dataUnreadable
    }
}

/// A `.unique` feeder handed out all its records: the test stops.
public struct FeederExhausted: Error, CustomStringConvertible {
    public var name: String
    /// The records this process had (its segment's share when run in segments).
    public var count: Int
    var segment: ExecutionSegment = .whole
    public var description: String {
        "feeder \(name) ran out of records: all \(count) unique records\(segment.isWhole ? "" : " of segment \(segment)") were used"
    }
}

/// Where the scenario file is, so data files are found relative to it.
enum ScriptLocation {
    private static let directory = Mutex<String?>(nil)

    static func set(scriptPath: String?) {
        guard let scriptPath else { return }
        directory.withLock { $0 = URL(fileURLWithPath: scriptPath).deletingLastPathComponent().path }
    }

    /// Where `path` may be: next to the scenario file first, then relative to the working
    /// directory.
    static func candidates(_ path: String) -> [String] {
        if path.hasPrefix("/") { return [path] }
        guard let dir = directory.withLock({ $0 }) else { return [path] }
        return [URL(fileURLWithPath: dir + "/" + path).standardizedFileURL.path, path]
    }

    static func read(_ path: String) throws -> String {
        let places = candidates(path)
        for place in places {
            if let data = FileManager.default.contents(atPath: place) { return String(decoding: data, as: UTF8.self) }
        }
        throw FeederError(path, "cannot be read (looked for \(places.joined(separator: " and ")))", dataUnreadable: true)
    }
}
