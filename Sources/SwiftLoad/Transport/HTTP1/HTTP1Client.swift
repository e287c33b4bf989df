/// A VU's built-in HTTP/1.1 client: one keep-alive connection per endpoint the VU talks to,
/// the parsed form of the last URL (most iterations request the same URLs again), and redirect
/// following. A redirect chain is recorded as one request, as libcurl's is.
final class HTTP1Client {
    private unowned let vu: VU
    private let driver: SocketDriver
    private var connections: [String: HTTP1Connection] = [:]
    private var lastURL = ""
    private var lastTarget: HTTPTarget?
    private var lastConnection: HTTP1Connection?

    init(vu: VU, driver: SocketDriver) {
        self.vu = vu
        self.driver = driver
    }

    nonisolated(nonsending) func perform(_ request: Request, url: String) async throws -> Response {
        let inFlight = RequestInFlight(request, url: url, vu: vu)
        var current = request
        var currentURL = url
        var redirectsLeft = driver.settings.maxRedirects
        var sent = 0, received = 0
        while true {
            var (outcome, end) = try await exchange(current, url: currentURL)
            sent += outcome.bytesSent
            received += outcome.bytesReceived
            outcome.bytesSent = sent
            outcome.bytesReceived = received
            if outcome.error == nil, driver.settings.maxRedirects > 0, let next = redirect(from: current, url: currentURL, outcome) {
                if redirectsLeft > 0 {
                    redirectsLeft -= 1
                    (current, currentURL) = next
                    continue
                }
                outcome.error = RequestError(.protocolError, "more than \(driver.settings.maxRedirects) redirects")
            }
            return outcome.complete(inFlight, end: end, vu: vu)
        }
    }

    nonisolated(nonsending) private func exchange(_ request: Request, url: String) async throws -> (TransferOutcome, UInt64) {
        var blockedUs: UInt64 = 0
        if url != lastURL || lastConnection == nil {
            guard let target = HTTPTarget(url), target.scheme == "http" else {
                return Self.failure(RequestError(.protocolError, "malformed URL: \(url)"))
            }
            let key = target.endpoint
            if let c = connections[key] {
                lastConnection = c
            } else {
                switch driver.resolver.resolve(host: target.host, port: target.port) {
                case .failure(let error):
                    return Self.failure(error)
                case .success(let (address, ns)):
                    blockedUs = ns / 1000
                    let c = HTTP1Connection(driver: driver, vu: vu, address: address)
                    connections[key] = c
                    lastConnection = c
                }
            }
            lastURL = url
            lastTarget = target
        }
        return try await lastConnection!.exchange(request, url: url, target: lastTarget!, blockedUs: blockedUs)
    }

    private static func failure(_ error: RequestError) -> (TransferOutcome, UInt64) {
        var outcome = TransferOutcome()
        outcome.error = error
        return (outcome, MonotonicClock.now())
    }

    private static let redirectStatuses: Set<Int> = [301, 302, 303, 307, 308]

    /// The request a redirect asks for, or nil when `outcome` is not a followable redirect.
    /// 303 (and 301/302 after a POST, as browsers and curl do) becomes a GET without a body;
    /// 307 and 308 repeat the request. Redirects to https:// are not followed here: the 3xx is
    /// the response.
    private func redirect(from request: Request, url: String, _ outcome: TransferOutcome) -> (Request, String)? {
        guard Self.redirectStatuses.contains(outcome.status),
              let location = HTTPHeaders.parse(raw: outcome.headerBytes)["Location"], !location.isEmpty,
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
        guard next.lowercased().hasPrefix("http://") else { return nil }
        var r = request
        r.url = next
        r.query = []
        if outcome.status == 303 || ((outcome.status == 301 || outcome.status == 302) && request.method == .post) {
            r.method = request.method == .head ? .head : .get
            r.body = .empty
        }
        return (r, next)
    }

    func cancel() {
        for c in connections.values { c.cancel() }
    }

    func close() {
        for c in connections.values {
            c.cancel()
            c.close()
        }
        connections.removeAll()
        lastConnection = nil
    }
}
