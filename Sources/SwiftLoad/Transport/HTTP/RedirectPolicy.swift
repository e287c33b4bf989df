/// Which redirects are followed and what request each becomes: one policy for every transport.
///
/// 301, 302, 303, 307 and 308 with a `Location` are followed, up to `Options.maxRedirects`
/// (0 hands the 3xx back as the response). 303, and 301/302 after a POST (as browsers and curl
/// do), become a GET without a body; 307 and 308 repeat the request. Relative, absolute,
/// scheme-relative and cross-scheme (`http` ↔ `https`) locations are all followed. A chain is
/// recorded as one request, from its first send to its last byte, as libcurl records one.
enum RedirectPolicy {
    static let statuses: Set<Int> = [301, 302, 303, 307, 308]

    /// The request `status` and `rawHeaders` ask for after `request` to `url`, or nil when the
    /// response is not a followable redirect.
    static func next(after request: Request, url: String, status: Int, rawHeaders: [UInt8]) -> (Request, String)? {
        guard statuses.contains(status),
              let location = ContentDecoding.headerValue(rawHeaders, name: "location")?.trimmingSpaces(), !location.isEmpty,
              let base = HTTPTarget(url) else { return nil }
        let next: String
        let lower = location.lowercased()
        if lower.hasPrefix("http://") || lower.hasPrefix("https://") {
            next = location
        } else if location.hasPrefix("//") {
            next = "\(base.scheme):\(location)"
        } else if location.hasPrefix("/") {
            next = "\(base.scheme)://\(base.hostHeader)\(location)"
        } else {
            let path = base.requestTarget.split(separator: "?", maxSplits: 1).first.map(String.init) ?? "/"
            let dir = path.hasSuffix("/") ? path : String(path[...(path.lastIndex(of: "/") ?? path.startIndex)])
            next = "\(base.scheme)://\(base.hostHeader)\(dir)\(location)"
        }
        guard HTTPTarget(next) != nil else { return nil }
        var r = request
        r.url = next
        r.query = []
        if status == 303 || ((status == 301 || status == 302) && request.method == .post) {
            r.method = request.method == .head ? .head : .get
            r.body = .empty
        }
        return (r, next)
    }

    /// The error of a chain longer than the limit.
    static func tooMany(_ limit: Int) -> RequestError {
        RequestError(.protocolError, "more than \(limit) redirects")
    }
}
