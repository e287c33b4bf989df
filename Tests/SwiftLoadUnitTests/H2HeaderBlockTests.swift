import CNghttp2
import Testing
@testable import SwiftLoad

/// A request's header block as nghttp2 encodes it: the block's fields are not copied at
/// submission (`NO_COPY`), so what reaches the wire is read from the block itself.
@Suite struct H2HeaderBlockTests {
    /// Submits `block` on a fresh client session and returns the fields of the HEADERS frame
    /// nghttp2 writes, decoded with nghttp2's own HPACK decoder.
    private func encodedFields(_ block: H2HeaderBlock) throws -> [(String, String)] {
        var callbacks: OpaquePointer?
        nghttp2_session_callbacks_new(&callbacks)
        defer { nghttp2_session_callbacks_del(callbacks) }
        var session: OpaquePointer?
        #expect(nghttp2_session_client_new(&session, callbacks, nil) == 0)
        defer { nghttp2_session_del(session) }
        let id = block.withNV { nghttp2_submit_request(session, nil, $0.baseAddress, $0.count, nil, nil) }
        #expect(id == 1)
        var wire: [UInt8] = []
        while true {
            var data: UnsafePointer<UInt8>?
            let n = nghttp2_session_mem_send(session, &data)
            if n <= 0 { break }
            wire += UnsafeBufferPointer(start: data, count: n)
        }
        // The client preface, then frames: a 9-byte header (length, type, flags, stream id).
        let preface = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)
        var at = wire.starts(with: preface) ? preface.count : 0
        var payload: ArraySlice<UInt8>?
        while at + 9 <= wire.count {
            let length = Int(wire[at]) << 16 | Int(wire[at + 1]) << 8 | Int(wire[at + 2])
            if wire[at + 3] == 0x1 { payload = wire[(at + 9)..<(at + 9 + length)] }   // HEADERS
            at += 9 + length
        }
        let block = try #require(payload, "no HEADERS frame in \(wire.count) bytes")

        var inflater: OpaquePointer?
        #expect(nghttp2_hd_inflate_new(&inflater) == 0)
        defer { nghttp2_hd_inflate_del(inflater) }
        var fields: [(String, String)] = []
        try Array(block).withUnsafeBufferPointer { bytes in
            var offset = 0
            while true {
                var nv = nghttp2_nv()
                var flags: Int32 = 0
                let n = nghttp2_hd_inflate_hd2(inflater, &nv, &flags, bytes.baseAddress! + offset, bytes.count - offset, 1)
                try #require(n >= 0, "HPACK error \(n)")
                offset += n
                if flags & Int32(NGHTTP2_HD_INFLATE_EMIT.rawValue) != 0 {
                    fields.append((String(decoding: UnsafeBufferPointer(start: nv.name, count: nv.namelen), as: UTF8.self),
                                   String(decoding: UnsafeBufferPointer(start: nv.value, count: nv.valuelen), as: UTF8.self)))
                }
                if flags & Int32(NGHTTP2_HD_INFLATE_FINAL.rawValue) != 0 { break }
                if n == 0 && flags & Int32(NGHTTP2_HD_INFLATE_EMIT.rawValue) == 0 { break }
            }
        }
        return fields
    }

    @Test func fieldsReachTheWireIntactWithNamesLowerCased() throws {
        // nghttp2 lower-cases only the names it copies; these it does not copy.
        let block = H2HeaderBlock(method: "POST", scheme: "http", authority: "Example.TEST:8080", path: "/Items?Q=A",
                                  fields: [("X-Trace-ID", "AbC-123"), ("accept", "*/*"), ("Content-Type", "application/JSON")])
        let fields = try encodedFields(block)
        #expect(fields.map(\.0) == [":method", ":scheme", ":authority", ":path", "x-trace-id", "accept", "content-type"])
        #expect(fields.map(\.1) == ["POST", "http", "Example.TEST:8080", "/Items?Q=A", "AbC-123", "*/*", "application/JSON"])
    }
}
