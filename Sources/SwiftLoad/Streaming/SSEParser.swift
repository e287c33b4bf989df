/// One server-sent event, as the HTML standard's event-stream interpretation dispatches it.
public struct SSEEvent: Sendable, Equatable {
    /// The `event:` field, `message` when the event named none.
    public var type: String
    /// The `data:` lines joined with line feeds.
    public var data: String
    /// The last event ID in force when the event was dispatched (`id:` fields persist).
    public var lastEventID: String
    /// A `retry:` the stream set (milliseconds), the latest one seen so far.
    public var retry: Int?
    /// When the event arrived, from the moment the request was sent (`vu.http.sse`; zero from the
    /// parser alone). Events that arrived in one read share it.
    public var receivedAfter: Duration = .zero

    public init(type: String = "message", data: String, lastEventID: String = "", retry: Int? = nil) {
        self.type = type
        self.data = data
        self.lastEventID = lastEventID
        self.retry = retry
    }
}

/// An incremental parser of `text/event-stream`, following the HTML standard's "event stream
/// interpretation": lines end in CRLF, LF or CR (also when a CR and its LF arrive in different
/// reads); a leading byte order mark is dropped; `:` starts a comment; `data` lines join with line
/// feeds; `id` persists until changed (one holding NUL is ignored); `retry` takes digits only; an
/// empty line dispatches, and an event with no data is not dispatched; a last event without its
/// empty line is dropped when the stream ends.
///
/// Feed it bytes as they arrive; it returns the events they complete. Memory is bounded by one
/// event: the line and data buffers are reused.
public struct SSEParser: Sendable {
    private var line: [UInt8] = []
    private var data: [UInt8] = []
    private var hasData = false
    private var eventType = ""
    private var lastEventID = ""
    private var retry: Int?
    private var skippedCR = false
    private var atStart = true
    private var start: [UInt8] = []
    /// Comment lines seen (keep-alives, usually).
    public private(set) var comments = 0

    public init() {}

    /// The events `bytes` complete, in order.
    public mutating func feed(_ bytes: some Collection<UInt8>) -> [SSEEvent] {
        var out: [SSEEvent] = []
        for b in bytes {
            guard atStart else { take(b, into: &out); continue }
            // The stream's first bytes may be a UTF-8 byte order mark (EF BB BF): held until known.
            start.append(b)
            if start.count <= 3 && Self.bom.starts(with: start) {
                if start.count == 3 { atStart = false; start.removeAll() }
                continue
            }
            atStart = false
            let held = start
            start.removeAll()
            for h in held { take(h, into: &out) }
        }
        return out
    }

    private static let bom: [UInt8] = [0xEF, 0xBB, 0xBF]

    private mutating func take(_ b: UInt8, into out: inout [SSEEvent]) {
        switch b {
        case 0x0A:
            if skippedCR { skippedCR = false; return }
            if let e = endLine() { out.append(e) }
        case 0x0D:
            skippedCR = true
            if let e = endLine() { out.append(e) }
        default:
            skippedCR = false
            line.append(b)
        }
    }

    /// One complete line: a field, a comment, or the empty line that dispatches.
    private mutating func endLine() -> SSEEvent? {
        defer { line.removeAll(keepingCapacity: true) }
        guard !line.isEmpty else { return dispatch() }
        if line[0] == UInt8(ascii: ":") {
            comments += 1
            return nil
        }
        let colon = line.firstIndex(of: UInt8(ascii: ":"))
        let name = line[..<(colon ?? line.endIndex)]
        var valueStart = colon.map { $0 + 1 } ?? line.endIndex
        if valueStart < line.endIndex && line[valueStart] == 0x20 { valueStart += 1 }
        let value = line[valueStart...]
        switch String(decoding: name, as: UTF8.self) {
        case "data":
            if hasData { data.append(0x0A) }
            data.append(contentsOf: value)
            hasData = true
        case "event":
            eventType = String(decoding: value, as: UTF8.self)
        case "id":
            if !value.contains(0) { lastEventID = String(decoding: value, as: UTF8.self) }
        case "retry":
            if !value.isEmpty, value.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let ms = Int(String(decoding: value, as: UTF8.self)) {
                retry = ms
            }
        default:
            break
        }
        return nil
    }

    private mutating func dispatch() -> SSEEvent? {
        defer {
            data.removeAll(keepingCapacity: true)
            hasData = false
            eventType = ""
        }
        guard hasData else { return nil }
        return SSEEvent(type: eventType.isEmpty ? "message" : eventType, data: String(decoding: data, as: UTF8.self),
                        lastEventID: lastEventID, retry: retry)
    }
}
