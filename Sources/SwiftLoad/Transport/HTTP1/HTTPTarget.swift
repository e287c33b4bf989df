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
    /// The authority's `user:password` (as written, percent-encoded), when it has one.
    var userinfo: String?
    /// Bytes of `scheme://authority` at the start of the URL this was parsed from.
    private(set) var originLength: Int

    /// "host:port", the key connections are kept by.
    var endpoint: String { "\(host):\(port)" }

    /// Parses `url`; nil when it is not an absolute http(s) URL with a host. Works on UTF-8
    /// bytes: URLs are ASCII, and Character-level string indexing would cost more than the
    /// request itself.
    init?(_ url: String) {
        let b = Array(url.utf8)
        guard let (authorityStart, authorityEnd, end) = Self.layout(b) else { return nil }
        let scheme = String(decoding: b[0..<(authorityStart - 3)], as: UTF8.self).lowercased()
        guard scheme == "http" || scheme == "https" else { return nil }
        self.scheme = scheme
        originLength = authorityEnd
        let target = Self.requestTarget(b[authorityEnd..<end])
        var a = authorityStart
        if let at = b[authorityStart..<authorityEnd].lastIndex(of: UInt8(ascii: "@")) {
            userinfo = String(decoding: b[authorityStart..<at], as: UTF8.self)
            a = at + 1
        }
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
        let origin = previous.originLength
        var u = url, p = previousURL
        return p.withUTF8 { pb -> HTTPTarget? in
            u.withUTF8 { ub -> HTTPTarget? in
                guard ub.count >= origin, pb.count >= origin, memcmp(ub.baseAddress!, pb.baseAddress!, origin) == 0 else { return nil }
                // The authority must end where the previous one did (`host:80` is not `host:8080`).
                if ub.count > origin {
                    let c = ub[origin]
                    guard c == UInt8(ascii: "/") || c == UInt8(ascii: "?") || c == UInt8(ascii: "#") else { return nil }
                }
                let end = ub[origin...].firstIndex(of: UInt8(ascii: "#")) ?? ub.count
                var t = previous
                t.requestTarget = requestTarget(ub[origin..<end])
                return t
            }
        }
    }

    /// Where a URL's parts lie, as byte offsets: the authority's start (after `://`) and end, and
    /// the end of the URL before any fragment. Nil without `://`. The one place this rule lives:
    /// the parse, the report's origins and `URLCredentials` all read a URL's authority through it.
    static func layout<B: RandomAccessCollection<UInt8>>(_ b: B) -> (authorityStart: Int, authorityEnd: Int, end: Int)?
    where B.Index == Int {
        guard b.count >= 3,
              let sep = (0...(b.count - 3)).first(where: { b[$0] == 0x3A && b[$0 + 1] == 0x2F && b[$0 + 2] == 0x2F })
        else { return nil }
        let start = sep + 3
        let end = b[start...].firstIndex(of: UInt8(ascii: "#")) ?? b.count
        let authorityEnd = b[start..<end].firstIndex { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") } ?? end
        return (start, authorityEnd, end)
    }

    /// The request line's target from a URL's path and query bytes: "/" at least, and "/" before
    /// a bare query.
    private static func requestTarget<S: Collection<UInt8>>(_ pathAndQuery: S) -> String {
        let target = String(decoding: pathAndQuery, as: UTF8.self)
        return target.isEmpty || target.utf8.first == UInt8(ascii: "?") ? "/" + target : target
    }
}
