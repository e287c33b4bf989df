#if canImport(Glibc)
import Glibc
#endif

/// An `http://` or `https://` URL taken apart for a request: where to connect and what to send.
struct HTTPTarget: Equatable {
    var scheme: String
    /// Host name or address, without IPv6 brackets.
    var host: String
    var port: Int
    /// Path and query, as sent on the request line ("/" at least).
    var requestTarget: String
    /// The Host header value (brackets for IPv6, port when not the default).
    var hostHeader: String

    /// "host:port", the key connections are kept by.
    var endpoint: String { "\(host):\(port)" }

    /// Parses `url`; nil when it is not an absolute http(s) URL with a host. Works on UTF-8
    /// bytes: URLs are ASCII, and Character-level string indexing would cost more than the
    /// request itself.
    init?(_ url: String) {
        let b = Array(url.utf8)
        guard let sep = Self.find(b, Array("://".utf8), from: 0) else { return nil }
        let scheme = String(decoding: b[0..<sep], as: UTF8.self).lowercased()
        guard scheme == "http" || scheme == "https" else { return nil }
        self.scheme = scheme
        var end = b.count
        if let hash = b[(sep + 3)...].firstIndex(of: UInt8(ascii: "#")) { end = hash }
        let authorityStart = sep + 3
        let authorityEnd = b[authorityStart..<end].firstIndex { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") } ?? end
        var target = String(decoding: b[authorityEnd..<end], as: UTF8.self)
        if target.isEmpty || target.utf8.first == UInt8(ascii: "?") { target = "/" + target }
        var a = authorityStart
        if let at = b[authorityStart..<authorityEnd].lastIndex(of: UInt8(ascii: "@")) { a = at + 1 }
        var hostRange = a..<authorityEnd
        var portRange: Range<Int>?
        if a < authorityEnd && b[a] == UInt8(ascii: "[") {
            guard let close = b[a..<authorityEnd].firstIndex(of: UInt8(ascii: "]")) else { return nil }
            hostRange = (a + 1)..<close
            if close + 1 < authorityEnd {
                guard b[close + 1] == UInt8(ascii: ":") else { return nil }
                portRange = (close + 2)..<authorityEnd
            }
        } else if let colon = b[a..<authorityEnd].lastIndex(of: UInt8(ascii: ":")) {
            hostRange = a..<colon
            portRange = (colon + 1)..<authorityEnd
        }
        guard !hostRange.isEmpty else { return nil }
        let defaultPort = scheme == "https" ? 443 : 80
        if let portRange {
            guard !portRange.isEmpty, portRange.count <= 5, b[portRange].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
            let p = b[portRange].reduce(0) { $0 * 10 + Int($1 - 0x30) }
            guard p > 0 && p < 65536 else { return nil }
            port = p
        } else {
            port = defaultPort
        }
        host = String(decoding: b[hostRange], as: UTF8.self)
        requestTarget = target
        let bracketed = host.utf8.contains(UInt8(ascii: ":")) ? "[\(host)]" : host
        hostHeader = port == defaultPort ? bracketed : "\(bracketed):\(port)"
    }

    /// `url` taken apart when its scheme and authority are byte for byte those of `previousURL`
    /// (which parsed as `previous`): only its path and query are read. Nil when the two differ,
    /// and then `HTTPTarget(url)` parses it whole. Distinct URLs on one server (`/item/1`,
    /// `/item/2`, …) then cost a prefix comparison, not a full parse with its strings (~4,000
    /// instructions per request, callgrind).
    static func sameOrigin(_ url: String, as previous: HTTPTarget, parsedFrom previousURL: String) -> HTTPTarget? {
        var u = url, p = previousURL
        return p.withUTF8 { pb -> HTTPTarget? in
            guard let origin = originLength(pb) else { return nil }
            return u.withUTF8 { ub -> HTTPTarget? in
                guard ub.count >= origin, memcmp(ub.baseAddress!, pb.baseAddress!, origin) == 0 else { return nil }
                // The authority must end where the previous one did (`host:80` is not `host:8080`).
                if ub.count > origin {
                    let c = ub[origin]
                    guard c == UInt8(ascii: "/") || c == UInt8(ascii: "?") || c == UInt8(ascii: "#") else { return nil }
                }
                let end = ub[origin...].firstIndex(of: UInt8(ascii: "#")) ?? ub.count
                var t = previous
                t.requestTarget = String(decoding: UnsafeBufferPointer(rebasing: ub[origin..<end]), as: UTF8.self)
                if t.requestTarget.isEmpty || t.requestTarget.utf8.first == UInt8(ascii: "?") { t.requestTarget = "/" + t.requestTarget }
                return t
            }
        }
    }

    /// Bytes of `scheme://authority` at the start of a URL that parsed (as `init` splits it).
    private static func originLength(_ b: UnsafeBufferPointer<UInt8>) -> Int? {
        guard b.count >= 3, let s = (0...(b.count - 3)).first(where: { b[$0] == 0x3A && b[$0 + 1] == 0x2F && b[$0 + 2] == 0x2F }) else { return nil }
        let start = s + 3
        let end = b[start...].firstIndex(of: UInt8(ascii: "#")) ?? b.count
        return b[start..<end].firstIndex { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") } ?? end
    }

    private static func find(_ hay: [UInt8], _ needle: [UInt8], from: Int) -> Int? {
        guard hay.count >= needle.count else { return nil }
        var i = from
        while i + needle.count <= hay.count {
            if hay[i] == needle[0] && Array(hay[i..<(i + needle.count)]) == needle { return i }
            i += 1
        }
        return nil
    }
}
