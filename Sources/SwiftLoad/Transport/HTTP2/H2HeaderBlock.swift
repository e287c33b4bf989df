import CNghttp2

/// A request's header fields laid out once for nghttp2: all names and values in one buffer and
/// nghttp2's name/value array pointing into it. A VU that sends the same request again reuses
/// the block, so a request costs no header work before it reaches nghttp2. (Rebuilt per
/// request, the array and the copies of the block's storage cost ~800 instructions.)
///
/// The fields are flagged `NO_COPY`: nghttp2 reads them where they lie when it encodes the
/// HEADERS frame, as h2load has it do, instead of copying every name and value at submission
/// (~580 instructions a request). nghttp2's contract is that they stay valid until it has sent
/// the frame or given it up; `H2Connection` keeps every block it submitted until nghttp2 closed
/// that stream (which comes after either), no HEADERS frame is left to encode, or the session
/// is deleted. Names must then be lower case, which nghttp2 would otherwise see to: the block
/// lowers them itself.
final class H2HeaderBlock {
    private let bytes: UnsafeMutableRawBufferPointer
    private let nva: UnsafeMutableBufferPointer<nghttp2_nv>

    /// Pseudo-headers first (`:method`, `:scheme`, `:authority`, `:path`), then `fields`.
    init(method: String, scheme: String, authority: String, path: String, fields: [(String, String)]) {
        let all = [(":method", method), (":scheme", scheme), (":authority", authority), (":path", path)] + fields
        let total = all.reduce(0) { $0 + $1.0.utf8.count + $1.1.utf8.count }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(total, 1), alignment: 1)
        let array = UnsafeMutableBufferPointer<nghttp2_nv>.allocate(capacity: all.count)
        let base = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
        var at = 0
        func place(_ s: String, lowered: Bool) -> (UnsafeMutablePointer<UInt8>, Int) {
            let start = at
            for b in s.utf8 {
                buffer[at] = lowered && b >= 0x41 && b <= 0x5A ? b | 0x20 : b
                at += 1
            }
            return (base + start, at - start)
        }
        let noCopy = UInt8(NGHTTP2_NV_FLAG_NO_COPY_NAME.rawValue | NGHTTP2_NV_FLAG_NO_COPY_VALUE.rawValue)
        for (i, (n, v)) in all.enumerated() {
            let (name, nameLength) = place(n, lowered: true)
            let (value, valueLength) = place(v, lowered: false)
            array.initializeElement(at: i, to: nghttp2_nv(name: name, value: value, namelen: nameLength, valuelen: valueLength,
                                                          flags: noCopy))
        }
        bytes = buffer
        nva = array
    }

    deinit {
        bytes.deallocate()
        nva.deallocate()
    }

    /// Calls `body` with nghttp2's name/value array over the block.
    func withNV<R>(_ body: (UnsafeMutableBufferPointer<nghttp2_nv>) -> R) -> R { body(nva) }
}
