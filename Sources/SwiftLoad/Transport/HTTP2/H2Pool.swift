/// A worker's HTTP/2 connections to one endpoint. Streams go to the least loaded connection;
/// new connections open up to `maxConnections`, so many VUs spread over a few connections; when
/// every connection is full, streams wait in order for a free slot.
final class H2Pool {
    unowned let client: H2Client
    /// The worker's socket driver (its client's), held here so each use is not a trip through
    /// the unowned `client`.
    let driver: SocketDriver
    let host: String
    let port: Int
    let tls: Bool
    let address: SocketAddress
    let maxConnections: Int
    let maxStreamsPerConnection: Int
    private var connections: [H2Connection] = []
    private var queue: [H2Stream] = []
    private var queueHead = 0

    init(client: H2Client, host: String, port: Int, tls: Bool, address: SocketAddress,
         maxConnections: Int, maxStreamsPerConnection: Int) {
        self.client = client
        driver = client.driver
        self.host = host
        self.port = port
        self.tls = tls
        self.address = address
        self.maxConnections = max(1, maxConnections)
        self.maxStreamsPerConnection = max(1, maxStreamsPerConnection)
    }

    func submit(_ stream: H2Stream) {
        if !place(stream) {
            stream.queuedAt = MonotonicClock.now()
            queue.append(stream)
        }
    }

    /// A refused or stranded stream, to be sent again.
    func requeue(_ stream: H2Stream) {
        submit(stream)
    }

    /// Puts `stream` on a connection, opening one if allowed; false when all are full.
    private func place(_ stream: H2Stream) -> Bool {
        // The least loaded connection with room, found by index: `for c in connections` retained
        // and released every connection it looked at (~30 reference counts a request with ten).
        var best = -1, bestLoad = Int.max
        for i in connections.indices {
            let load = connections[i].load
            if load < bestLoad && connections[i].capacity > 0 {
                best = i
                bestLoad = load
            }
        }
        // An idle connection is as good as a new one; otherwise spread out while allowed.
        if best >= 0 && (bestLoad == 0 || connections.count >= maxConnections) {
            connections[best].accept(stream)
            return true
        }
        if connections.count < maxConnections {
            let c = H2Connection(pool: self)
            connections.append(c)
            c.accept(stream)
            c.open(for: stream)
            return true
        }
        return false
    }

    func capacityFreed(on connection: H2Connection) {
        dispatchQueue()
    }

    func connectionStopsTakingStreams(_ connection: H2Connection) {
        dispatchQueue()
    }

    func connectionClosed(_ connection: H2Connection) {
        connections.removeAll { $0 === connection }
        dispatchQueue()
    }

    private func dispatchQueue() {
        while queueHead < queue.count {
            let s = queue[queueHead]
            if s.continuation != nil {
                guard place(s) else { break }
                // The wait for a free slot is the client's, not the server's: it is reported
                // as blocked time (as k6 does), and GeneratorCheck looks at it.
                if s.queuedAt > 0 { s.queuedNs &+= MonotonicClock.now() &- s.queuedAt; s.queuedAt = 0 }
            }
            queueHead += 1
        }
        if queueHead == queue.count {
            queue.removeAll(keepingCapacity: true)
            queueHead = 0
        }
    }

    func shutDown() {
        for c in connections { c.shutDown() }
        connections.removeAll()
    }
}
