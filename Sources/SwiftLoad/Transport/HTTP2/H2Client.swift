/// A worker's HTTP/2 client: one connection pool per endpoint, shared by all the worker's VUs
/// (HTTP/2 multiplexes, so VUs need not own connections as they do with HTTP/1.1).
final class H2Client {
    let driver: SocketDriver
    let options: HTTP2Options
    private var pools: [String: H2Pool] = [:]
    private var lastPool: H2Pool?
    /// GOAWAY frames received and refused streams sent again, since the last `takeCounts`.
    var goaways = 0
    var refusedStreams = 0

    init(driver: SocketDriver, options: HTTP2Options) {
        self.driver = driver
        self.options = options
    }

    var tlsContext: TLSContext { driver.tlsContext }

    /// Sends `stream` to `target` (at `address`) and returns once it closed (check `error`).
    /// Throws only `Interrupted`.
    nonisolated(nonsending) func exchange(_ stream: H2Stream, target: HTTPTarget, address: SocketAddress) async throws -> H2Stream {
        let pool = self.pool(for: target, address: address)
        driver.track(stream)
        // Already on the worker: no switch before suspending (see HTTP1Connection.exchange).
        return try await _unsafeInheritExecutor_withUnsafeThrowingContinuation { (c: UnsafeContinuation<H2Stream, any Error>) in
            stream.continuation = c
            pool.submit(stream)
        }
    }

    private func pool(for target: HTTPTarget, address: SocketAddress) -> H2Pool {
        let tls = target.scheme == "https"
        if let p = lastPool, p.port == target.port, p.tls == tls, p.host == target.host { return p }
        let key = target.endpoint + (tls ? "+tls" : "")
        if let p = pools[key] {
            lastPool = p
            return p
        }
        let p = H2Pool(client: self, host: target.host, port: target.port, tls: tls, address: address,
                       maxConnections: options.connectionsPerTarget,
                       maxStreamsPerConnection: options.maxConcurrentStreams)
        pools[key] = p
        lastPool = p
        return p
    }

    func shutDown() {
        for p in pools.values { p.shutDown() }
        pools.removeAll()
        lastPool = nil
    }
}
