#if canImport(Glibc)
import Glibc
#endif

/// An incremental HTTP/1.1 response parser: feed it bytes as they arrive, in chunks of any size,
/// and it reports when the response is complete.
///
/// It keeps the raw header block (for `Response.headers`, parsed lazily) and up to `keepLimit`
/// body bytes; every body byte is counted. Interim 1xx responses are skipped. Framing follows
/// RFC 9112: no body for HEAD, 1xx, 204 and 304; chunked transfer coding; Content-Length; else
/// the body runs until the server closes the connection.
struct HTTP1ResponseParser {
    enum Failure: Error, Equatable {
        case malformed(String)
        case headersTooLarge
    }

    enum Progress: Equatable {
        /// More bytes are needed.
        case needMore
        /// The response is complete; `consumed` bytes of the last chunk belonged to it.
        case complete(consumed: Int)
    }

    private enum State {
        case statusLine, headerLines, body(remaining: Int), chunkSize, chunkData(remaining: Int),
             chunkDataEnd, trailers, untilClose, done
    }

    static let maxHeaderBytes = 64 * 1024

    private(set) var status = 0
    private(set) var minorVersion = 1
    /// The status line and header fields of the final response, as received.
    private(set) var headerBytes: [UInt8] = []
    private(set) var body: [UInt8] = []
    private(set) var bodySize = 0
    private(set) var truncated = false
    /// False when the connection cannot be reused after this response.
    private(set) var keepAlive = true
    /// True once the first byte of the response arrived.
    private(set) var started = false

    private var state = State.statusLine
    private var line: [UInt8] = []
    private var contentLength: Int?
    private var chunked = false
    private var connectionClose = false
    private var connectionKeepAlive = false
    private var headRequest: Bool
    private var keepLimit: Int
    private var observer: BodyObserver?

    init(headRequest: Bool, keepLimit: Int, observer: BodyObserver? = nil) {
        self.headRequest = headRequest
        self.keepLimit = keepLimit
        self.observer = observer
    }

    /// Ready for the next response on the same connection: as a new parser, but in place (a new
    /// parser assigned over the old one destroys and rebuilds every field, ~8 reference counts
    /// per request) and keeping the partial-line buffer's storage.
    mutating func reset(headRequest: Bool, keepLimit: Int, observer: BodyObserver?) {
        self.headRequest = headRequest
        self.keepLimit = keepLimit
        if observer !== self.observer { self.observer = observer }
        status = 0
        minorVersion = 1
        Self.reuse(&headerBytes, &spareHeaderBytes)
        Self.reuse(&body, &spareBody)
        bodySize = 0
        truncated = false
        keepAlive = true
        started = false
        state = .statusLine
        if !line.isEmpty { line.removeAll(keepingCapacity: true) }
        contentLength = nil
        chunked = false
        connectionClose = false
        connectionKeepAlive = false
    }

    /// Moves the header block and the kept body out, leaving empty ones, and lets go of the
    /// body observer: the response is handed on without copying either.
    mutating func takeBlocks() -> (headers: [UInt8], body: [UInt8]) {
        var h: [UInt8] = [], b: [UInt8] = []
        swap(&h, &headerBytes)
        swap(&b, &body)
        if h.capacity <= Self.reusableCapacity { spareHeaderBytes = h }
        if b.capacity <= Self.reusableCapacity { spareBody = b }
        if observer != nil { observer = nil }
        return (h, b)
    }

    /// The arrays handed out with the last response. Once that response is gone (most scripts
    /// drop it within the iteration) the next response fills them again instead of allocating:
    /// an allocation and a free per response saved. Were the response still held, emptying the
    /// array copies nothing: it gets a buffer of its own, as an array does.
    private var spareHeaderBytes: [UInt8] = []
    private var spareBody: [UInt8] = []
    /// Larger buffers are let go with their response rather than kept per connection.
    private static let reusableCapacity = 16 * 1024

    private static func reuse(_ array: inout [UInt8], _ spare: inout [UInt8]) {
        if spare.capacity == 0 {
            if !array.isEmpty { array = [] }
            return
        }
        swap(&array, &spare)
        spare = []
        array.removeAll(keepingCapacity: true)
    }

    var isComplete: Bool { if case .done = state { return true }; return false }

    /// True when the body is delimited by the connection closing and the close has not come yet.
    var awaitingClose: Bool { if case .untilClose = state { return true }; return false }

    /// The server closed the connection: completes a close-delimited body, anything else is
    /// a truncated response.
    mutating func finishOnClose() -> Bool {
        if case .untilClose = state {
            state = .done
            keepAlive = false
            return true
        }
        return isComplete
    }

    mutating func consume(_ bytes: UnsafeRawBufferPointer) throws(Failure) -> Progress {
        if !bytes.isEmpty { started = true }
        var i = 0
        let n = bytes.count
        while i < n {
            switch state {
            case .statusLine, .headerLines:
                try consumeHeaderLines(bytes, from: &i)
                if case .done = state { return .complete(consumed: i) }
            case .chunkSize, .chunkDataEnd, .trailers:
                guard let lf = Self.findLF(bytes, from: i) else {
                    line.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[i..<n]))
                    if line.count > Self.maxHeaderBytes { throw .headersTooLarge }
                    return .needMore
                }
                try feedLine(bytes, from: i, lf: lf)
                i = lf + 1
                if case .done = state { return .complete(consumed: i) }
            case .body(let remaining):
                let take = min(remaining, n - i)
                keep(UnsafeRawBufferPointer(rebasing: bytes[i..<(i + take)]))
                i += take
                if take == remaining {
                    state = .done
                    return .complete(consumed: i)
                }
                state = .body(remaining: remaining - take)
            case .chunkData(let remaining):
                let take = min(remaining, n - i)
                keep(UnsafeRawBufferPointer(rebasing: bytes[i..<(i + take)]))
                i += take
                state = take == remaining ? .chunkDataEnd : .chunkData(remaining: remaining - take)
            case .untilClose:
                keep(UnsafeRawBufferPointer(rebasing: bytes[i..<n]))
                return .needMore
            case .done:
                return .complete(consumed: i)
            }
        }
        return isComplete ? .complete(consumed: i) : .needMore
    }

    /// The status line and header fields. Lines that arrived whole are parsed where they lie in
    /// the read buffer; only a line cut by the end of a read is copied aside. The raw block is
    /// appended to `headerBytes` in one piece per read.
    private mutating func consumeHeaderLines(_ bytes: UnsafeRawBufferPointer, from i: inout Int) throws(Failure) {
        var regionStart = i
        defer {
            headerBytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[regionStart..<i]))
        }
        // The block is too large once `i` passes this (kept bytes plus those of this read).
        var limit = Self.maxHeaderBytes - headerBytes.count + regionStart
        while i < bytes.count {
            guard let lf = Self.findLF(bytes, from: i) else {
                line.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[i..<bytes.count]))
                i = bytes.count
                if line.count > Self.maxHeaderBytes || i > limit {
                    throw .headersTooLarge
                }
                return
            }
            if line.isEmpty, let base = bytes.baseAddress {
                // The common case, a whole line in this read: parsed where it lies.
                let p = base.assumingMemoryBound(to: UInt8.self)
                var end = lf
                if end > i && p[end - 1] == 0x0D { end -= 1 }
                if case .headerLines = state {
                    if end == i { try endOfHeaders() } else { try parseHeaderField(p + i, end - i) }
                } else {
                    try parseStatusLine(UnsafeRawBufferPointer(start: p + i, count: end - i))
                }
            } else {
                try feedLine(bytes, from: i, lf: lf)
            }
            i = lf + 1
            if i > limit { throw .headersTooLarge }
            switch state {
            case .statusLine:
                // An interim 1xx response ended: the final response's block starts here.
                headerBytes.removeAll(keepingCapacity: true)
                regionStart = i
                limit = Self.maxHeaderBytes + regionStart
            case .headerLines:
                continue
            default:
                return
            }
        }
    }

    /// Handles the line ending at `lf` (CR removed): in place when it lies wholly in `bytes`,
    /// else joined with the part kept from the previous read.
    private mutating func feedLine(_ bytes: UnsafeRawBufferPointer, from i: Int, lf: Int) throws(Failure) {
        if line.isEmpty {
            var end = lf
            if end > i && bytes[end - 1] == 0x0D { end -= 1 }
            try handleLine(UnsafeRawBufferPointer(rebasing: bytes[i..<end]))
            return
        }
        line.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[i..<lf]))
        if line.last == 0x0D { line.removeLast() }
        let joined = line
        line.removeAll(keepingCapacity: true)
        var failure: Failure?
        joined.withUnsafeBytes { l in
            do throws(Failure) { try handleLine(l) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    private mutating func handleLine(_ l: UnsafeRawBufferPointer) throws(Failure) {
        switch state {
        case .statusLine:
            try parseStatusLine(l)
        case .headerLines:
            if l.isEmpty { try endOfHeaders() } else { try parseHeaderLine(l) }
        default:
            try handleChunkLine(l)
        }
    }

    private static func findLF(_ bytes: UnsafeRawBufferPointer, from i: Int) -> Int? {
        guard i < bytes.count, let base = bytes.baseAddress,
              let p = memchr(base + i, 0x0A, bytes.count - i) else { return nil }
        return base.distance(to: UnsafeRawPointer(p))
    }

    private mutating func keep(_ bytes: UnsafeRawBufferPointer) {
        if let observer { observer.received(status, bytes) }
        bodySize += bytes.count
        let room = keepLimit - body.count
        if room >= bytes.count {
            body.append(contentsOf: bytes)
        } else {
            if room > 0 { body.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[0..<room])) }
            truncated = true
        }
    }

    private mutating func handleChunkLine(_ line: UnsafeRawBufferPointer) throws(Failure) {
        switch state {
        case .chunkSize:
            var size = 0
            var digits = 0
            for b in line {
                guard let d = Self.hexValue(b) else { break }   // chunk extensions follow a ';'
                size = size &* 16 &+ d
                digits += 1
                if digits > 15 { throw .malformed("chunk size too large") }
            }
            guard digits > 0 else { throw .malformed("bad chunk size line") }
            state = size == 0 ? .trailers : .chunkData(remaining: size)
        case .chunkDataEnd:
            guard line.isEmpty else { throw .malformed("chunk not followed by CRLF") }
            state = .chunkSize
        case .trailers:
            if line.isEmpty { state = .done }
        default:
            break
        }
    }

    /// Takes the status and version from the status line; the header fields come next.
    private mutating func parseStatusLine(_ line: UnsafeRawBufferPointer) throws(Failure) {
        // HTTP/1.x SP 3DIGIT [SP reason]
        guard line.count >= 12, Self.startsWithHTTP1(line), line[8] == 0x20 else {
            throw .malformed("bad status line")
        }
        guard line[7] >= 0x30 && line[7] <= 0x39 else { throw .malformed("bad HTTP version") }
        minorVersion = Int(line[7] - 0x30)
        var code = 0
        for k in 9..<12 {
            guard line[k] >= 0x30 && line[k] <= 0x39 else { throw .malformed("bad status code") }
            code = code * 10 + Int(line[k] - 0x30)
        }
        guard line.count == 12 || line[12] == 0x20 else { throw .malformed("bad status line") }
        status = code
        state = .headerLines
    }

    private mutating func parseHeaderLine(_ line: UnsafeRawBufferPointer) throws(Failure) {
        guard let base = line.baseAddress else { throw .malformed("bad header line") }
        try parseHeaderField(base.assumingMemoryBound(to: UInt8.self), line.count)
    }

    /// One field line of `n` bytes at `p` (no CR/LF). Pointer arithmetic rather than buffer
    /// slices: this runs for every field of every response. Inlined into the line loop, with
    /// the three fields that matter for framing handled out of line: a call per field cost ~20
    /// instructions of saving and restoring registers (callgrind).
    @inline(__always)
    private mutating func parseHeaderField(_ p: UnsafePointer<UInt8>, _ n: Int) throws(Failure) {
        guard let c = memchr(p, 0x3A, n) else { throw .malformed("bad header line") }
        let colon = UnsafeRawPointer(p).distance(to: UnsafeRawPointer(c))
        guard colon > 0 else { throw .malformed("bad header line") }
        // Only three fields matter for framing; their lengths rule out the rest cheaply.
        guard colon == 14 || colon == 10 || colon == 17 else { return }
        try framingField(p, n, colon: colon)
    }

    /// A field whose name has the length of Content-Length, Transfer-Encoding or Connection.
    @inline(never)
    private mutating func framingField(_ p: UnsafePointer<UInt8>, _ n: Int, colon: Int) throws(Failure) {
        var v = colon + 1
        while v < n && (p[v] == 0x20 || p[v] == 0x09) { v += 1 }
        var e = n
        while e > v && (p[e - 1] == 0x20 || p[e - 1] == 0x09) { e -= 1 }
        let value = UnsafeRawBufferPointer(start: p + v, count: e - v)
        if colon == 14 && Self.equalsIgnoringCase(p, colon, Self.contentLengthName) {
            var length = 0
            guard !value.isEmpty else { throw .malformed("empty Content-Length") }
            for b in value {
                guard b >= 0x30 && b <= 0x39 else { throw .malformed("bad Content-Length") }
                length = length &* 10 &+ Int(b - 0x30)
                if length > 1 << 50 { throw .malformed("Content-Length too large") }
            }
            if let existing = contentLength, existing != length { throw .malformed("conflicting Content-Length") }
            contentLength = length
        } else if colon == 17 && Self.equalsIgnoringCase(p, colon, Self.transferEncodingName) {
            if Self.containsToken(value, Self.chunkedToken) { chunked = true }
        } else if colon == 10 && Self.equalsIgnoringCase(p, colon, Self.connectionName) {
            if Self.containsToken(value, Self.closeToken) { connectionClose = true }
            // keep-alive only matters to HTTP/1.0, where it is not the default.
            if minorVersion == 0 && Self.containsToken(value, Self.keepAliveToken) { connectionKeepAlive = true }
        }
    }

    private mutating func endOfHeaders() throws(Failure) {
        if status >= 100 && status < 200 {
            // An interim response: the final one follows on the same connection.
            headerBytes.removeAll(keepingCapacity: true)
            contentLength = nil
            chunked = false
            connectionClose = false
            connectionKeepAlive = false
            state = .statusLine
            return
        }
        keepAlive = minorVersion >= 1 ? !connectionClose : connectionKeepAlive
        if headRequest || status == 204 || status == 304 {
            state = .done
        } else if chunked {
            state = .chunkSize
        } else if let length = contentLength {
            state = length == 0 ? .done : .body(remaining: length)
        } else {
            keepAlive = false
            state = .untilClose
        }
    }

    // MARK: byte helpers

    // Static strings, not arrays: reading one costs no lazy-global check and no reference count.
    private static let httpSlash1Dot: StaticString = "HTTP/1."
    private static let contentLengthName: StaticString = "content-length"
    private static let transferEncodingName: StaticString = "transfer-encoding"
    private static let connectionName: StaticString = "connection"
    private static let chunkedToken: StaticString = "chunked"
    private static let closeToken: StaticString = "close"
    private static let keepAliveToken: StaticString = "keep-alive"

    private static func hexValue(_ b: UInt8) -> Int? {
        switch b {
        case 0x30...0x39: return Int(b - 0x30)
        case 0x41...0x46: return Int(b - 0x41 + 10)
        case 0x61...0x66: return Int(b - 0x61 + 10)
        default: return nil
        }
    }


    /// Whether `line` starts with "HTTP/1.": two overlapping four-byte compares, not seven
    /// bounds-checked byte compares.
    private static func startsWithHTTP1(_ line: UnsafeRawBufferPointer) -> Bool {
        guard line.count >= 7, let p = line.baseAddress else { return false }
        let l = UnsafeRawPointer(httpSlash1Dot.utf8Start)
        return p.loadUnaligned(as: UInt32.self) == l.loadUnaligned(as: UInt32.self)
            && p.loadUnaligned(fromByteOffset: 3, as: UInt32.self) == l.loadUnaligned(fromByteOffset: 3, as: UInt32.self)
    }

    /// The `count` bytes at `p` equal `lowered` (lowercase letters and '-' only), ignoring case.
    /// Eight bytes at a time: setting bit 0x20 lowercases a letter and leaves '-' as it is. Of
    /// the other bytes only CR (0x0D) becomes '-', and a CR inside a field name or a token is
    /// malformed anyway. A byte at a time this was ~7 instructions per byte of every field
    /// name it looked at.
    static func equalsIgnoringCase(_ p: UnsafePointer<UInt8>, _ count: Int, _ lowered: StaticString) -> Bool {
        guard count == lowered.utf8CodeUnitCount else { return false }
        let l = lowered.utf8Start
        if count < 8 {
            for k in 0..<count where p[k] | 0x20 != l[k] { return false }
            return true
        }
        let a = UnsafeRawPointer(p), b = UnsafeRawPointer(l)
        let mask: UInt64 = 0x2020_2020_2020_2020
        var k = 0
        while k + 8 <= count {
            if a.loadUnaligned(fromByteOffset: k, as: UInt64.self) | mask != b.loadUnaligned(fromByteOffset: k, as: UInt64.self) {
                return false
            }
            k += 8
        }
        if k < count {
            // The last eight bytes, overlapping what was compared.
            let t = count - 8
            return a.loadUnaligned(fromByteOffset: t, as: UInt64.self) | mask == b.loadUnaligned(fromByteOffset: t, as: UInt64.self)
        }
        return true
    }

    /// Whether the comma-separated list `value` holds `token` (case-insensitive).
    static func containsToken(_ value: UnsafeRawBufferPointer, _ token: StaticString) -> Bool {
        guard let base = value.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return false }
        var s = 0
        while s < value.count {
            var e = value.count
            if let c = memchr(base + s, 0x2C, value.count - s) { e = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(c)) }
            var a = s, b = e
            while a < b && (value[a] == 0x20 || value[a] == 0x09) { a += 1 }
            while b > a && (value[b - 1] == 0x20 || value[b - 1] == 0x09) { b -= 1 }
            if equalsIgnoringCase(base + a, b - a, token) { return true }
            s = e + 1
        }
        return false
    }
}
