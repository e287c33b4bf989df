/// One request on an HTTP/2 connection, from the moment a VU asks for it until its stream
/// closes. It may wait in its pool's queue, and it may be sent again on another connection when
/// the server refuses the stream (REFUSED_STREAM, or beyond a GOAWAY's last stream). nghttp2
/// never holds a pointer to it: its connection finds it by stream id.
final class H2Stream: DeadlineTracked, @unchecked Sendable {
    // @unchecked: a stream lives on its worker's thread; it is handed back to the VU through a
    // continuation resumed on that same thread.
    struct Request {
        var headers: H2HeaderBlock
        var body: [UInt8]
        /// Paced bodies (gRPC client streaming): where each message ends, sent one every
        /// `intervalNs` from the stream's submission, the first at once. Empty: all at once.
        var messageEnds: [Int] = []
        var intervalNs: UInt64 = 0

        var isPaced: Bool { intervalNs > 0 && messageEnds.count > 1 }
    }

    private(set) var request: Request
    /// The worker's socket driver, which enforces the stream's deadline. unowned(unsafe): the
    /// driver outlives every stream (a stream is done before its worker's run ends), and the
    /// checked form cost a retain and a release at each use.
    unowned(unsafe) let driver: SocketDriver
    /// Body bytes kept in memory (all are counted).
    private(set) var keepLimit: Int
    /// gRPC's message size limit: the stream is reset as soon as a longer message is announced.
    private(set) var messageLimit: Int?
    var continuation: UnsafeContinuation<H2Stream, any Error>?

    // Timing, in monotonic nanoseconds.
    private(set) var startedAt: UInt64
    var submittedAt: UInt64 = 0
    var firstByteAt: UInt64 = 0
    /// gRPC: when the first whole message had arrived.
    var firstMessageAt: UInt64 = 0
    var endedAt: UInt64 = 0
    /// When it joined its pool's queue (every connection full), and how long it waited there.
    var queuedAt: UInt64 = 0
    var queuedNs: UInt64 = 0
    /// Time spent connecting (TCP and TLS) when this stream opened the connection.
    var connectingUs: UInt64 = 0
    var tlsUs: UInt64 = 0
    var deadline: UInt64
    private(set) var timeoutMs: Int
    var trackIndex = -1

    // Where it is.
    var connection: H2Connection?
    var streamID: Int32 = -1
    var attempts = 0
    var bodyOffset = 0

    // What came back. Header fields are kept as "name: value\r\n" lines and read only on demand.
    var status = 0
    var rawHeaders: [UInt8] = []
    var rawTrailers: [UInt8] = []
    var headersDone = false
    var body: [UInt8] = []
    var bodySize = 0
    var truncated = false
    /// Bytes of HTTP/2 frames sent and received for this request, as they crossed the wire
    /// (header blocks HPACK-compressed), with the connection's own frames that came between
    /// (`H2Connection.unchargedReceived`).
    var bytesSent = 0
    var bytesReceived = 0
    /// Set when the stream failed; nil when it closed normally.
    var error: RequestError?
    /// Streaming requests: sees the body as it arrives.
    var observer: BodyObserver?
    /// gRPC streaming calls: when each whole reply message arrived.
    var tracksMessages = false
    private(set) var messageArrivals: [UInt64] = []
    private var scannedTo = 0
    /// Paced bodies: messages released so far, whether nghttp2 waits for the next (its data
    /// source deferred), and which submission the release timers belong to.
    var released = 1
    var deferred = false
    var sendGeneration = 0

    /// Where the released messages end in the body.
    var releasedEnd: Int {
        guard request.isPaced else { return request.body.count }
        return request.messageEnds[min(released, request.messageEnds.count) - 1]
    }

    init(request: Request, driver: SocketDriver, keepLimit: Int, messageLimit: Int?, timeoutNs: UInt64) {
        self.request = request
        self.driver = driver
        self.keepLimit = keepLimit
        self.messageLimit = messageLimit
        startedAt = MonotonicClock.now()
        deadline = startedAt &+ timeoutNs
        timeoutMs = Int(timeoutNs / 1_000_000)
    }

    /// Makes a finished stream the next request's, as a new stream would be: an allocation
    /// and a deallocation fewer per request (~100–170 instructions net). Only for a stream
    /// nothing else holds (`H2Channel` checks); the send generation moves on, so a paced body's
    /// release timer, which names the previous request by a weak reference, tells them apart.
    /// `H2StreamReuseTests` compares every field with a new stream's.
    func reuse(request: Request, keepLimit: Int, messageLimit: Int?, timeoutNs: UInt64) {
        resetForRetry()
        self.request = request
        self.keepLimit = keepLimit
        self.messageLimit = messageLimit
        continuation = nil
        startedAt = MonotonicClock.now()
        submittedAt = 0
        endedAt = 0
        queuedAt = 0
        queuedNs = 0
        connectingUs = 0
        tlsUs = 0
        deadline = startedAt &+ timeoutNs
        timeoutMs = Int(timeoutNs / 1_000_000)
        attempts = 0
        bytesSent = 0
        bytesReceived = 0
        error = nil
        observer = nil
        tracksMessages = false
    }

    /// Forgets a refused attempt's response so the stream can be sent again.
    func resetForRetry() {
        streamID = -1
        connection = nil
        bodyOffset = 0
        status = 0
        Self.empty(&rawHeaders)
        Self.empty(&rawTrailers)
        headersDone = false
        Self.empty(&body)
        bodySize = 0
        truncated = false
        firstByteAt = 0
        firstMessageAt = 0
        messageArrivals.removeAll()
        scannedTo = 0
        released = 1
        deferred = false
        sendGeneration += 1
    }

    func received(data: UnsafeRawBufferPointer) {
        if let observer { observer.received(status, data) }
        bodySize += data.count
        let room = keepLimit - body.count
        if room >= data.count {
            body.append(contentsOf: data)
        } else {
            if room > 0 { body.append(contentsOf: UnsafeRawBufferPointer(rebasing: data[0..<room])) }
            truncated = true
        }
        if tracksMessages { scanMessages() }
    }

    /// Stamps every reply message completed by the bytes just received.
    private func scanMessages() {
        let now = MonotonicClock.now()
        while body.count - scannedTo >= 5 {
            guard let length = GRPCFraming.announcedLength(body[scannedTo..<scannedTo + 5]) else { return }
            guard body.count - scannedTo - 5 >= length else { return }
            scannedTo += 5 + length
            messageArrivals.append(now)
        }
    }

    /// Hands the stream back to the VU that waits for it; it ended at `time` (0: now).
    func finish(_ error: RequestError? = nil, at time: UInt64 = 0) {
        guard let c = continuation else { return }
        continuation = nil
        if let error, self.error == nil { self.error = error }
        endedAt = time != 0 ? time : MonotonicClock.now()
        driver.untrack(self)
        connection = nil
        c.resume(returning: self)
    }

    /// The run is stopping: the VU gets `Interrupted`.
    func interrupt() {
        guard let c = continuation else { return }
        continuation = nil
        if let conn = connection { conn.cancel(self) }
        connection = nil
        driver.untrack(self)
        c.resume(throwing: Interrupted())
    }

    func timeOut() {
        if let conn = connection { conn.cancel(self) }
        finish(RequestError(.timeout, "no complete response within \(timeoutMs) ms"))
    }

    /// Takes `:status` from a response header field (or trailer); true when the field
    /// is to be kept (the connection collects the block, `H2FieldBlock`).
    func receivedField(name: UnsafeBufferPointer<UInt8>, value: UnsafeBufferPointer<UInt8>) -> Bool {
        if !headersDone, name.count == 7, name[0] == 0x3A, name[1] == 0x73, name[6] == 0x73 {   // ":status"
            status = value.reduce(0) { $0 &* 10 &+ Int($1 &- 0x30) }
            return false
        }
        return true
    }

    /// A header block ended: the response's header fields, or its trailers once the headers
    /// are done. An interim (1xx) block is dropped; the final response's follows.
    func receivedBlock(_ block: UnsafeRawBufferPointer) {
        if headersDone {
            Self.refill(&rawTrailers, with: block)
        } else if status >= 200 {
            Self.refill(&rawHeaders, with: block)
            headersDone = true
        }
    }

    /// Buffers up to this size stay with a reused stream (`reuse`); larger ones go with their
    /// response.
    private static let reusableCapacity = 16 * 1024

    /// Empties one of the response's arrays for the next request, keeping a small buffer: the
    /// response that shared it is usually gone by then (most scripts drop it within the
    /// iteration), and the next response then fills it without an allocation and a free, as
    /// the HTTP/1.1 parser's spare arrays do. Were it still held, emptying copies nothing: the
    /// stream gets a buffer of its own.
    private static func empty(_ array: inout [UInt8]) {
        if array.capacity > reusableCapacity {
            array = []
        } else if !array.isEmpty {
            array.removeAll(keepingCapacity: true)
        }
    }

    private static func refill(_ array: inout [UInt8], with block: UnsafeRawBufferPointer) {
        empty(&array)
        array.append(contentsOf: block)
    }

    /// A response header field's value (HTTP/2 field names are lowercase).
    func header(_ name: String) -> String? { HTTPHeaders.value(of: name, inRaw: rawHeaders) }

    /// A trailer field's value.
    func trailer(_ name: String) -> String? { HTTPHeaders.value(of: name, inRaw: rawTrailers) }
}
