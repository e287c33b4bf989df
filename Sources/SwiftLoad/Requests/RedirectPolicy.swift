/// Which redirects are followed and what request each becomes: one policy for every transport.
///
/// 301, 302, 303, 307 and 308 with a `Location` are followed, up to `Options.maxRedirects`
/// (0 hands the 3xx back as the response). 303, and 301/302 after a POST (as browsers and curl
/// do), become a GET without a body; 307 and 308 repeat the request. Relative, absolute,
/// scheme-relative and cross-scheme (`http` ↔ `https`) locations are all followed. A chain is
/// recorded as one request, from its first send to its last byte, as libcurl records one.
enum RedirectPolicy {
    /// 301, 302, 303, 307 or 308 (a switch: this is asked of every response).
    @inline(__always)
    static func isRedirect(_ status: Int) -> Bool {
        switch status {
        case 301, 302, 303, 307, 308: return true
        default: return false
        }
    }

    /// The request `status` and `rawHeaders` ask for after `request` to `url`, or nil when the
    /// response is not a followable redirect.
    static func next(after request: Request, url: String, status: Int, rawHeaders: [UInt8]) -> (Request, String)? {
        guard isRedirect(status),
              let location = HTTPHeaders.value(of: "location", inRaw: rawHeaders)?.trimmingSpaces(), !location.isEmpty,
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

/// A redirect chain in progress: the bytes its hops sent and received, and how many more hops
/// it may take. Every transport that follows redirects walks its chain with one.
struct RedirectFollower {
    let limit: Int
    private(set) var left: Int
    private(set) var sent = 0
    private(set) var received = 0

    init(limit: Int) {
        self.limit = limit
        left = limit
    }

    /// Adds `outcome`'s bytes to the chain (and gives `outcome` the chain's totals); returns the
    /// next hop when `outcome` is a redirect to follow. Past the limit it returns nil and makes
    /// `outcome` a too-many-redirects error.
    mutating func next(after request: Request, url: String, _ outcome: inout TransferOutcome) -> (Request, String)? {
        sent += outcome.bytesSent
        received += outcome.bytesReceived
        outcome.bytesSent = sent
        outcome.bytesReceived = received
        guard outcome.error == nil, limit > 0, RedirectPolicy.isRedirect(outcome.status),
              let next = RedirectPolicy.next(after: request, url: url, status: outcome.status, rawHeaders: outcome.headerBytes)
        else { return nil }
        guard left > 0 else {
            outcome.error = RedirectPolicy.tooMany(limit)
            return nil
        }
        left -= 1
        return next
    }
}
