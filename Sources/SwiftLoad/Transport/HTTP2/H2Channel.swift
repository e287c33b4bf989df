/// One VU's way into its worker's HTTP/2 connections (`H2Client`): HTTP requests as streams
/// (`RequestTransport`), gRPC calls as raw streams, the header block of the last request kept
/// for the next identical one, the stream in flight so a stop can interrupt it, and the last
/// HTTP request's stream, reused for the next when nothing else holds it.
final class H2Channel: RequestTransport {
    private let client: H2Client
    private var inFlight: H2Stream?
    private var spare: H2Stream?
    private var lastBlock: (serial: UInt64, block: H2HeaderBlock)?

    init(client: H2Client) {
        self.client = client
    }

    nonisolated(nonsending) func exchange(_ request: PreparedRequest) async throws -> TransferOutcome {
        let block: H2HeaderBlock
        if let last = lastBlock, last.serial == request.serial {
            block = last.block
        } else {
            block = Self.headerBlock(request)
            lastBlock = (request.serial, block)
        }
        var stream = try await send(H2Stream.Request(headers: block, body: request.body), target: request.target,
                                    address: request.address, keepLimit: request.keepLimit, messageLimit: nil,
                                    timeoutNs: request.timeoutNs, observer: request.bodyObserver)
        let outcome = TransferOutcome(stream)
        // A stream still held elsewhere (a pool's queue it timed out in) is left to go its way.
        if isKnownUniquelyReferenced(&stream) { spare = consume stream }
        return outcome
    }

    /// Sends one stream and returns it once it closed (check `error`). Throws only `Interrupted`.
    nonisolated(nonsending) func send(_ request: H2Stream.Request, target: HTTPTarget, address: SocketAddress,
                                      keepLimit: Int, messageLimit: Int?, timeoutNs: UInt64,
                                      observer: BodyObserver? = nil, tracksMessages: Bool = false) async throws -> H2Stream {
        let stream: H2Stream
        if let s = spare.take() {
            s.reuse(request: request, keepLimit: keepLimit, messageLimit: messageLimit, timeoutNs: timeoutNs)
            stream = s
        } else {
            stream = H2Stream(request: request, driver: client.driver, keepLimit: keepLimit,
                              messageLimit: messageLimit, timeoutNs: timeoutNs)
        }
        stream.observer = observer
        stream.tracksMessages = tracksMessages
        inFlight = stream
        defer { inFlight = nil }
        return try await client.exchange(stream, target: target, address: address)
    }

    /// HTTP/2 field names are lower case, and connection-specific fields have no place there.
    static func headerBlock(_ r: PreparedRequest) -> H2HeaderBlock {
        var fields: [(String, String)] = []
        fields.reserveCapacity(r.fields.count)
        for f in r.fields {
            let name = HeaderPolicy.lowerASCII(f.name)
            switch name {
            case "connection", "keep-alive", "proxy-connection", "upgrade": continue
            case "te" where f.value != "trailers": continue   // the only TE HTTP/2 allows
            default: fields.append((name, f.value))
            }
        }
        return H2HeaderBlock(method: r.method, scheme: r.target.scheme, authority: r.authority,
                             path: r.target.requestTarget, fields: fields)
    }

    func cancel() {
        inFlight?.interrupt()
    }

    func close() {
        cancel()
    }
}
