/// gRPC's message framing over HTTP/2: each message is a 1-byte compressed flag, a 4-byte
/// big-endian length and the message bytes.
enum GRPCFraming {
    enum Failure: Error, Equatable {
        case truncated(expected: Int, got: Int)
        case compressedWithoutEncoding
        case tooLarge(size: Int, limit: Int)
        case trailingBytes(Int)
    }

    /// `message` with its 5-byte prefix.
    static func frame(_ message: [UInt8]) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(message.count + 5)
        let n = UInt32(message.count)
        out.append(0)
        out.append(UInt8(n >> 24))
        out.append(UInt8((n >> 16) & 0xFF))
        out.append(UInt8((n >> 8) & 0xFF))
        out.append(UInt8(n & 0xFF))
        out.append(contentsOf: message)
        return out
    }

    /// The single message of a unary response body (nil for an empty body, which a
    /// trailers-only or failed call has).
    static func unaryMessage(_ body: [UInt8], limit: Int) throws(Failure) -> [UInt8]? {
        if body.isEmpty { return nil }
        guard body.count >= 5 else { throw .truncated(expected: 5, got: body.count) }
        if body[0] != 0 { throw .compressedWithoutEncoding }
        let length = Int(body[1]) << 24 | Int(body[2]) << 16 | Int(body[3]) << 8 | Int(body[4])
        if length > limit { throw .tooLarge(size: length, limit: limit) }
        guard body.count >= 5 + length else { throw .truncated(expected: 5 + length, got: body.count) }
        if body.count > 5 + length { throw .trailingBytes(body.count - 5 - length) }
        return Array(body[5..<(5 + length)])
    }

    /// Every message of a streamed response body, in order.
    static func messages(_ body: [UInt8], limit: Int) throws(Failure) -> [[UInt8]] {
        var out: [[UInt8]] = []
        var i = 0
        while i < body.count {
            guard body.count - i >= 5 else { throw .truncated(expected: 5, got: body.count - i) }
            if body[i] != 0 { throw .compressedWithoutEncoding }
            let length = Int(body[i + 1]) << 24 | Int(body[i + 2]) << 16 | Int(body[i + 3]) << 8 | Int(body[i + 4])
            if length > limit { throw .tooLarge(size: length, limit: limit) }
            guard body.count - i - 5 >= length else { throw .truncated(expected: 5 + length, got: body.count - i) }
            out.append(Array(body[(i + 5)..<(i + 5 + length)]))
            i += 5 + length
        }
        return out
    }

    /// The length a body's first frame announces, once 5 bytes have arrived (to refuse a message
    /// over the limit before receiving all of it).
    static func announcedLength(_ prefix: ArraySlice<UInt8>) -> Int? {
        guard prefix.count >= 5 else { return nil }
        let b = prefix.startIndex
        return Int(prefix[b + 1]) << 24 | Int(prefix[b + 2]) << 16 | Int(prefix[b + 3]) << 8 | Int(prefix[b + 4])
    }

    /// `grpc-timeout` for a deadline: at most 8 digits and the coarsest unit that keeps it exact
    /// enough (gRPC's wire format).
    static func timeoutHeader(_ d: Duration) -> String {
        let ns = d.nanoseconds
        if ns < 100_000_000 { return "\(max(1, ns / 1000))u" }           // microseconds below 100 ms
        let ms = ns / 1_000_000
        if ms < 100_000_000 { return "\(ms)m" }
        let s = ns / 1_000_000_000
        if s < 100_000_000 { return "\(s)S" }
        return "\(min(99_999_999, s / 60))M"
    }
}
