/// A worker's HTTP/2 client: one connection pool per endpoint, shared by all the worker's VUs
/// (HTTP/2 multiplexes, so VUs need not own connections as they do with HTTP/1.1).
final class H2Client {
    unowned let context: WorkerContext
    let driver: SocketDriver
    private var pools: [String: H2Pool] = [:]
    private var lastPool: H2Pool?
    private var tls: TLSContext?

    init(context: WorkerContext) {
        self.context = context
        driver = context.sockets
    }

    var tlsContext: TLSContext {
        if let tls { return tls }
        let t = TLSContext(insecure: context.http.insecure)
        tls = t
        return t
    }

    /// Sends one request and returns its stream once it closed (check `error`). Throws only
    /// `Interrupted`.
    func exchange(_ request: H2Stream.Request, target: HTTPTarget, vu: VU, keepLimit: Int, messageLimit: Int?,
                  timeoutNs: UInt64) async throws -> H2Stream {
        let stream = H2Stream(request: request, vu: vu, keepLimit: keepLimit, messageLimit: messageLimit,
                              timeoutNs: timeoutNs)
        let pool: H2Pool
        // The pool is nearly always there already; only a new endpoint awaits its name.
        let found: Result<H2Pool, RequestError>
        if let p = existingPool(for: target) { found = .success(p) } else { found = await makePool(for: target) }
        switch found {
        case .success(let p):
            pool = p
        case .failure(let error):
            stream.error = error
            stream.endedAt = MonotonicClock.now()
            return stream
        }
        driver.track(stream)
        vu.h2InFlight = stream
        defer { vu.h2InFlight = nil }
        return try await withUnsafeThrowingContinuation { (c: UnsafeContinuation<H2Stream, any Error>) in
            stream.continuation = c
            pool.submit(stream)
        }
    }

    private func existingPool(for target: HTTPTarget) -> H2Pool? {
        let tls = target.scheme == "https"
        if let p = lastPool, p.port == target.port, p.tls == tls, p.host == target.host { return p }
        guard let p = pools[target.endpoint + (tls ? "+tls" : "")] else { return nil }
        lastPool = p
        return p
    }

    /// A pool for a new endpoint, once its name is resolved.
    private func makePool(for target: HTTPTarget) async -> Result<H2Pool, RequestError> {
        let key = target.endpoint + (target.scheme == "https" ? "+tls" : "")
        switch await driver.resolver.resolve(host: target.host, port: target.port) {
        case .failure(let error):
            return .failure(error)
        case .success(let (address, _)):
            // Another VU may have made the pool while this one waited for the name.
            if let p = pools[key] {
                lastPool = p
                return .success(p)
            }
            let options = context.http.http2
            let p = H2Pool(client: self, host: target.host, port: target.port, tls: target.scheme == "https",
                           address: address, maxConnections: options.connectionsPerTarget,
                           maxStreamsPerConnection: options.maxConcurrentStreams)
            pools[key] = p
            lastPool = p
            return .success(p)
        }
    }

    func shutDown() {
        for p in pools.values { p.shutDown() }
        pools.removeAll()
        lastPool = nil
    }
}
