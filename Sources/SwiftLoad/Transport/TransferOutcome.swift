/// What a transport knows when an exchange ended: the plain outcome every transport hands back
/// across `RequestTransport`. Nothing here is recorded; the request policy decides what it means.
struct TransferOutcome {
    var status = 0
    var httpVersion = ""
    /// The response's header lines (`Name: value`, CRLF), without the status line.
    var headerBytes: [UInt8] = []
    var body: [UInt8] = []
    var bodySize = 0
    var truncated = false
    var bytesReceived = 0
    var bytesSent = 0
    var blockedUs: UInt64 = 0
    var connectingUs: UInt64 = 0
    var tlsUs: UInt64 = 0
    var waitingUs: UInt64 = 0
    var receivingUs: UInt64 = 0
    /// When the exchange ended (monotonic nanoseconds).
    var endedAt: UInt64 = 0
    /// A transport failure; an unexpected status is classified above the transport.
    var error: RequestError?
    /// gRPC calls: the status the call ended with (set by the gRPC policy, not the transport).
    var grpcStatus: GRPCStatusCode?

    /// An exchange that failed before anything was sent.
    static func failed(_ error: RequestError, at end: UInt64 = MonotonicClock.now()) -> TransferOutcome {
        var o = TransferOutcome()
        o.error = error
        o.endedAt = end
        return o
    }
}

extension TransferOutcome {
    /// What an HTTP/2 stream brought back. Built in one memberwise call, as the HTTP/1.1
    /// client builds its outcome: a default outcome overwritten field by field was copied and
    /// destroyed whole (~220 instructions a request).
    init(_ s: H2Stream) {
        var waitingUs: UInt64 = 0, receivingUs: UInt64 = 0
        if s.firstByteAt > 0 {
            waitingUs = (s.firstByteAt &- max(s.submittedAt, s.startedAt)) / 1000
            receivingUs = (s.endedAt &- s.firstByteAt) / 1000
        }
        self.init(status: s.status, httpVersion: s.status > 0 ? "2" : "", headerBytes: s.rawHeaders, body: s.body,
                  bodySize: s.bodySize, truncated: s.truncated, bytesReceived: s.bytesReceived, bytesSent: s.bytesSent,
                  blockedUs: s.queuedNs / 1000, connectingUs: s.connectingUs, tlsUs: s.tlsUs, waitingUs: waitingUs,
                  receivingUs: receivingUs, endedAt: s.endedAt, error: s.error)
    }
}
