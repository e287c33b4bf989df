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
