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

    /// Parses `url`; nil when it is not an absolute http(s) URL with a host.
    init?(_ url: String) {
        guard let sep = url.range(of: "://") else { return nil }
        let scheme = url[..<sep.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else { return nil }
        self.scheme = scheme
        var rest = url[sep.upperBound...]
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        var target = String(rest[authorityEnd...])
        if target.isEmpty || target.first == "?" { target = "/" + target }
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        var host: Substring
        var portText: Substring?
        if authority.first == "[" {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if after.first == ":" { portText = after.dropFirst() } else if !after.isEmpty { return nil }
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            portText = authority[authority.index(after: colon)...]
        } else {
            host = authority
        }
        guard !host.isEmpty else { return nil }
        let defaultPort = scheme == "https" ? 443 : 80
        if let portText {
            guard let p = Int(portText), p > 0, p < 65536 else { return nil }
            port = p
        } else {
            port = defaultPort
        }
        self.host = String(host)
        requestTarget = target
        let bracketed = host.contains(":") ? "[\(host)]" : String(host)
        hostHeader = port == defaultPort ? bracketed : "\(bracketed):\(port)"
    }
}
