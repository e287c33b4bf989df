/// One request on an HTTP/2 connection, from the moment a VU asks for it until its stream
/// closes. It may wait in its pool's queue, and it may be sent again on another connection when
/// the server refuses the stream (REFUSED_STREAM, or beyond a GOAWAY's last stream).
final class H2Stream: DeadlineTracked, @unchecked Sendable {
    // @unchecked: a stream lives on its worker's thread; it is handed back to the VU through a
    // continuation resumed on that same thread.
    struct Request {
        var method: String
        var scheme: String
        var authority: String
        var path: String
        /// Lowercase names; no pseudo-headers, no connection-specific fields.
        var headers: [(String, String)]
        var body: [UInt8]
    }

    let request: Request
    unowned(unsafe) let vu: VU
    /// Body bytes kept in memory (all are counted).
    let keepLimit: Int
    /// gRPC's message size limit: the stream is reset as soon as a longer message is announced.
    let messageLimit: Int?
    var continuation: UnsafeContinuation<H2Stream, any Error>?

    // Timing, in monotonic nanoseconds.
    let startedAt: UInt64
    var submittedAt: UInt64 = 0
    var firstByteAt: UInt64 = 0
    var endedAt: UInt64 = 0
    /// Time spent connecting (TCP and TLS) when this stream opened the connection.
    var connectingUs: UInt64 = 0
    var tlsUs: UInt64 = 0
    var deadline: UInt64
    let timeoutMs: Int
    var trackIndex = -1

    // Where it is.
    var connection: H2Connection?
    var streamID: Int32 = -1
    var attempts = 0
    var bodyOffset = 0

    // What came back.
    var status = 0
    var headers: [(String, String)] = []
    var trailers: [(String, String)] = []
    var headersDone = false
    var body: [UInt8] = []
    var bodySize = 0
    var truncated = false
    var bytesSent = 0
    var bytesReceived = 0
    /// Set when the stream failed; nil when it closed normally.
    var error: RequestError?

    init(request: Request, vu: VU, keepLimit: Int, messageLimit: Int?, timeout: Duration) {
        self.request = request
        self.vu = vu
        self.keepLimit = keepLimit
        self.messageLimit = messageLimit
        startedAt = MonotonicClock.now()
        deadline = startedAt &+ timeout.nanoseconds
        timeoutMs = Int(timeout.nanoseconds / 1_000_000)
    }

    /// Forgets a refused attempt's response so the stream can be sent again.
    func resetForRetry() {
        streamID = -1
        connection = nil
        bodyOffset = 0
        status = 0
        headers.removeAll()
        trailers.removeAll()
        headersDone = false
        body.removeAll()
        bodySize = 0
        truncated = false
        firstByteAt = 0
    }

    func received(data: UnsafeRawBufferPointer) {
        bodySize += data.count
        bytesReceived += data.count
        let room = keepLimit - body.count
        if room >= data.count {
            body.append(contentsOf: data)
        } else {
            if room > 0 { body.append(contentsOf: UnsafeRawBufferPointer(rebasing: data[0..<room])) }
            truncated = true
        }
    }

    /// Hands the stream back to the VU that waits for it.
    func finish(_ error: RequestError? = nil) {
        guard let c = continuation else { return }
        continuation = nil
        if let error, self.error == nil { self.error = error }
        endedAt = MonotonicClock.now()
        vu.context.sockets.untrack(self)
        connection = nil
        c.resume(returning: self)
    }

    /// The run is stopping: the VU gets `Interrupted`, the request counts as interrupted.
    func interrupt() {
        guard let c = continuation else { return }
        continuation = nil
        if let conn = connection { conn.cancel(self) }
        connection = nil
        vu.context.sockets.untrack(self)
        vu.context.recorder.interruptedRequests += 1
        c.resume(throwing: Interrupted())
    }

    func timeOut() {
        if let conn = connection { conn.cancel(self) }
        finish(RequestError(.timeout, "no complete response within \(timeoutMs) ms"))
    }

    /// The raw header block, as HTTP/1.1 would have it, for `Response.headers`.
    var headerBytes: [UInt8] {
        var out: [UInt8] = Array("HTTP/2 \(status)\r\n".utf8)
        for (n, v) in headers {
            out.append(contentsOf: n.utf8)
            out.append(contentsOf: ": ".utf8)
            out.append(contentsOf: v.utf8)
            out.append(contentsOf: [0x0D, 0x0A])
        }
        return out
    }

    func header(_ name: String) -> String? {
        headers.first { $0.0 == name }?.1
    }

    func trailer(_ name: String) -> String? {
        trailers.first { $0.0 == name }?.1
    }
}
