/// A VU's built-in HTTP/1.1 client: one keep-alive connection per endpoint the VU talks to,
/// the parsed form of the last URL (most iterations request the same URLs again), and redirect
/// following by `RedirectPolicy`. A redirect chain is recorded as one request, as libcurl's is;
/// a redirect to https:// hands the rest of the chain to libcurl, still as one request.
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
        var chain = RedirectFollower(limit: driver.settings.maxRedirects)
        while true {
            var (outcome, end) = try await exchange(current, url: currentURL)
            guard let next = chain.next(after: current, url: currentURL, &outcome) else {
                return outcome.complete(inFlight, end: end, vu: vu)
            }
            (current, currentURL) = next
            if !currentURL.lowercased().hasPrefix("http://") {
                // Cross-scheme: the chain goes on over TLS, as one request from its start.
                vu.chain = RedirectChain(intendedStart: inFlight.intendedStart, actualStart: inFlight.actualStart,
                                         series: inFlight.series, bytesSent: chain.sent, bytesReceived: chain.received,
                                         redirectsLeft: chain.left)
                return try await vu.sendOverLibcurl(current, url: currentURL)
            }
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
                switch await driver.resolver.resolve(host: target.host, port: target.port) {
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
