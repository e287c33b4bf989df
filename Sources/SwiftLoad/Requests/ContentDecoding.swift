internal import CZlib

/// Response bodies decoded per their `Content-Encoding` (gzip and deflate), once, above the
/// transports, so every transport hands the script the same bytes.
///
/// Decoded output is bounded by the body-retention limit (a small compressed body can expand
/// a thousandfold); past it the body is cut and marked truncated, as an over-long plain body is.
enum ContentDecoding {
    enum Coding { case gzip, deflate }

    /// The coding a response's raw header block names, or nil (identity, or one we do not
    /// decode, such as br: the body is then handed over as it came).
    static func coding(inRawHeaders raw: [UInt8]) -> Coding? {
        guard let value = HTTPHeaders.value(of: "content-encoding", inRaw: raw) else { return nil }
        switch value.lowercased().trimmingSpaces() {
        case "gzip", "x-gzip": return .gzip
        case "deflate": return .deflate
        default: return nil
        }
    }

    /// Decodes `o`'s gzip or deflate body in place. `bodySize` stays the size on the wire. A body
    /// cut by the retention limit is left as it came (part of a compressed stream decodes to
    /// nothing useful); one that does not decode is a protocol error.
    static func decode(_ o: inout TransferOutcome, limit: Int) {
        guard o.error == nil, !o.body.isEmpty, !o.truncated, let coding = coding(inRawHeaders: o.headerBytes) else { return }
        if let decoded = decode(o.body, coding, limit: limit) {
            o.body = decoded.bytes
            o.truncated = decoded.truncated
        } else {
            o.error = RequestError(.protocolError, "the \(coding == .gzip ? "gzip" : "deflate") body does not decode")
        }
    }

    /// `body` decoded, at most `limit` bytes; `truncated` when more would follow. Nil when the
    /// data is not valid for the coding (the caller reports a decoding error).
    static func decode(_ body: [UInt8], _ coding: Coding, limit: Int) -> (bytes: [UInt8], truncated: Bool)? {
        switch coding {
        case .gzip: return inflate(body, windowBits: 15 + 32, limit: limit)   // gzip or zlib header
        case .deflate:
            // RFC 9110's deflate is zlib-wrapped; some servers send a raw deflate stream.
            return inflate(body, windowBits: 15, limit: limit) ?? inflate(body, windowBits: -15, limit: limit)
        }
    }

    private static func inflate(_ input: [UInt8], windowBits: Int32, limit: Int) -> (bytes: [UInt8], truncated: Bool)? {
        var stream = z_stream()
        guard sl_inflate_init(&stream, windowBits) == Z_OK else { return nil }
        defer { inflateEnd(&stream) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        var status: Int32 = Z_OK
        var truncated = false
        input.withUnsafeBufferPointer { src in
            stream.next_in = UnsafeMutablePointer(mutating: src.baseAddress)
            stream.avail_in = uInt(src.count)
            repeat {
                chunk.withUnsafeMutableBufferPointer { dst in
                    stream.next_out = dst.baseAddress
                    stream.avail_out = uInt(dst.count)
                    status = CZlib.inflate(&stream, Z_NO_FLUSH)
                    let produced = dst.count - Int(stream.avail_out)
                    let room = limit - out.count
                    if produced > room {
                        out.append(contentsOf: dst[0..<max(0, room)])
                        truncated = true
                    } else {
                        out.append(contentsOf: dst[0..<produced])
                    }
                }
            } while status == Z_OK && !truncated && (stream.avail_in > 0 || stream.avail_out == 0)
        }
        if truncated { return (out, true) }
        // Anything but the stream's proper end (corrupt data, or a body cut short) is not a body.
        return status == Z_STREAM_END ? (out, false) : nil
    }
}
