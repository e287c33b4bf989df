/// The built-in HTTP/1.1 transport of one VU, for `http://` and `https://` (OpenSSL): one
/// keep-alive connection per endpoint the VU talks to. Redirects, decoding and recording are the
/// request policy's (`RequestPipeline`); this only moves one exchange at a time.
final class HTTP1Client: RequestTransport {
    private let driver: SocketDriver
    private var connections: [String: HTTP1Connection] = [:]
    /// The connection the last request used, and what it was for: most requests go there again.
    private var last: (serial: UInt64, port: Int, tls: Bool, host: String, connection: HTTP1Connection)?

    init(driver: SocketDriver) {
        self.driver = driver
    }

    nonisolated(nonsending) func exchange(_ request: PreparedRequest) async throws -> TransferOutcome {
        try await connection(for: request).exchange(request)
    }

    private func connection(for r: PreparedRequest) -> HTTP1Connection {
        let tls = r.target.scheme == "https"
        if let l = last, l.serial == r.serial || (l.port == r.target.port && l.tls == tls && l.host == r.target.host) {
            if l.serial != r.serial { last!.serial = r.serial }
            return l.connection
        }
        let key = r.target.endpoint + (tls ? "+tls" : "")
        let c: HTTP1Connection
        if let existing = connections[key] {
            c = existing
        } else {
            c = HTTP1Connection(driver: driver, address: r.address, tlsHost: tls ? r.target.host : nil)
            connections[key] = c
        }
        last = (r.serial, r.target.port, tls, r.target.host, c)
        return c
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
        last = nil
    }
}
