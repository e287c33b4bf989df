/// An ordered list of HTTP header fields with case-insensitive lookup.
///
/// Written as a dictionary literal in scenarios (`["Authorization": "Bearer …"]`) but keeps the
/// order and duplicates of the fields, as HTTP does.
public struct HTTPHeaders: Sendable, Equatable, ExpressibleByDictionaryLiteral, Sequence {
    public struct Field: Sendable, Equatable {
        public var name: String
        public var value: String
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    public private(set) var fields: [Field] = []

    public init() {}

    public init(dictionaryLiteral elements: (String, String)...) {
        fields = elements.map { Field(name: $0.0, value: $0.1) }
    }

    public init(_ pairs: [(String, String)]) {
        fields = pairs.map { Field(name: $0.0, value: $0.1) }
    }

    public var isEmpty: Bool { fields.isEmpty }
    public var count: Int { fields.count }

    public func makeIterator() -> IndexingIterator<[Field]> { fields.makeIterator() }

    /// The first value of the field named `name` (case-insensitive), or nil.
    public subscript(name: String) -> String? {
        fields.first { Self.sameName($0.name, name) }?.value
    }

    /// Every value of the field named `name`, in order.
    public func values(for name: String) -> [String] {
        fields.filter { Self.sameName($0.name, name) }.map(\.value)
    }

    public func contains(_ name: String) -> Bool {
        fields.contains { Self.sameName($0.name, name) }
    }

    /// Appends a field, keeping any existing ones of the same name.
    public mutating func add(_ name: String, _ value: String) {
        fields.append(Field(name: name, value: value))
    }

    /// Replaces every field named `name` with one field holding `value`.
    public mutating func set(_ name: String, _ value: String) {
        remove(name)
        add(name, value)
    }

    public mutating func remove(_ name: String) {
        fields.removeAll { Self.sameName($0.name, name) }
    }

    static func sameName(_ a: String, _ b: String) -> Bool {
        a.utf8.count == b.utf8.count && a.lowercased() == b.lowercased()
    }

    /// Parses the raw header block(s) curl delivers. Only the last response's fields are kept,
    /// so interim `100 Continue` replies and followed redirects do not leak into the result.
    /// The value of header `name` (given in lower case) in a raw block of `Name: value` lines
    /// (CRLF or LF, any case), without building the whole table: what the transports and the
    /// request policy look up per response.
    static func value(of name: String, inRaw raw: [UInt8]) -> String? {
        let n = Array(name.utf8)
        var i = 0
        let count = raw.count
        while i < count {
            var end = i
            while end < count && raw[end] != UInt8(ascii: "\n") { end += 1 }
            if end - i > n.count, raw[i + n.count] == UInt8(ascii: ":") {
                var match = true
                for k in 0..<n.count where raw[i + k] | 0x20 != n[k] { match = false; break }
                if match {
                    var start = i + n.count + 1, stop = end
                    if stop > start && raw[stop - 1] == UInt8(ascii: "\r") { stop -= 1 }
                    while start < stop && (raw[start] == UInt8(ascii: " ") || raw[start] == UInt8(ascii: "\t")) { start += 1 }
                    return String(decoding: raw[start..<stop], as: UTF8.self)
                }
            }
            i = end + 1
        }
        return nil
    }

    static func parse(raw: [UInt8]) -> HTTPHeaders {
        var headers = HTTPHeaders()
        var lineStart = 0
        var i = 0
        while i < raw.count {
            if raw[i] == UInt8(ascii: "\n") {
                var end = i
                if end > lineStart && raw[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                let line = raw[lineStart..<end]
                if line.starts(with: "HTTP/".utf8) {
                    headers = HTTPHeaders()            // a new response begins
                } else if let colon = line.firstIndex(of: UInt8(ascii: ":")) {
                    let name = String(decoding: line[line.startIndex..<colon], as: UTF8.self)
                    let value = String(decoding: line[(colon + 1)...], as: UTF8.self)
                    headers.add(name.trimmingSpaces(), value.trimmingSpaces())
                }
                lineStart = i + 1
            }
            i += 1
        }
        return headers
    }
}

extension String {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return String(s)
    }
}
