/// `%XX` escapes (RFC 3986) turned back into bytes; a `%` not followed by two hex digits stays
/// as it is. Used for gRPC's `grpc-message` and a URL's `user:password@`.
enum PercentDecoding {
    static func decoded<S: StringProtocol>(_ s: S) -> String {
        guard s.utf8.contains(UInt8(ascii: "%")) else { return String(s) }
        var bytes: [UInt8] = []
        var it = Array(s.utf8)[...]
        while let b = it.popFirst() {
            if b == UInt8(ascii: "%"), it.count >= 2,
               let v = UInt8(String(decoding: it.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(v)
                it = it.dropFirst(2)
            } else {
                bytes.append(b)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
