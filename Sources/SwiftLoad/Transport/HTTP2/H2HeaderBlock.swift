import CNghttp2

/// A request's header fields laid out once for nghttp2: all names and values in one buffer,
/// with their spans. A VU that sends the same request again reuses the block, so a request costs
/// no string work before it reaches nghttp2.
struct H2HeaderBlock {
    private var storage: [UInt8] = []
    private var spans: [(name: Int, nameLength: Int, value: Int, valueLength: Int)] = []

    /// Pseudo-headers first (`:method`, `:scheme`, `:authority`, `:path`), then `fields`.
    init(method: String, scheme: String, authority: String, path: String, fields: [(String, String)]) {
        add(":method", method)
        add(":scheme", scheme)
        add(":authority", authority)
        add(":path", path)
        for (n, v) in fields { add(n, v) }
    }

    private mutating func add(_ name: String, _ value: String) {
        let n = storage.count
        storage.append(contentsOf: name.utf8)
        let v = storage.count
        storage.append(contentsOf: value.utf8)
        spans.append((n, name.utf8.count, v, value.utf8.count))
    }

    /// Bytes the fields take on the wire before compression (for the data-sent count).
    var size: Int { storage.count + 32 * spans.count }

    /// Calls `body` with nghttp2's name/value array over the block.
    func withNV<R>(_ body: (UnsafeMutableBufferPointer<nghttp2_nv>) -> R) -> R {
        storage.withUnsafeBufferPointer { buf in
            let base = UnsafeMutablePointer(mutating: buf.baseAddress!)
            var nva = spans.map {
                nghttp2_nv(name: base + $0.name, value: base + $0.value, namelen: $0.nameLength,
                           valuelen: $0.valueLength, flags: UInt8(NGHTTP2_NV_FLAG_NONE.rawValue))
            }
            return nva.withUnsafeMutableBufferPointer { body($0) }
        }
    }
}
