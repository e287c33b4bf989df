import CEpoll
#if canImport(Glibc)
import Glibc
#endif

/// One keep-alive connection of a VU to one endpoint, speaking HTTP/1.1 on a non-blocking socket
/// in the worker's epoll loop, in the clear or over TLS (OpenSSL, ALPN `http/1.1`, certificates
/// verified unless the test opted out): one write and (usually) one read per request.
///
/// A request sent on a reused connection that the server closed before answering (the
/// keep-alive race every client meets, e.g. at nginx's `keepalive_requests` limit) is sent once
/// more on a new connection, as curl and browsers do.
final class HTTP1Connection: SocketHandler, DeadlineTracked {
    private unowned let driver: SocketDriver
    private let address: SocketAddress
    /// The server name for TLS; nil in the clear.
    private let tlsHost: String?
    private var fd: Int32 = -1
    private var connected = false
    private var channel: ByteChannel?
    private var tls: TLSChannel?
    private var interest: UInt32 = 0

    // The request in flight.
    private var continuation: UnsafeContinuation<TransferOutcome, any Error>?
    private var out: [UInt8] = []
    private var outOffset = 0
    /// The prepared request `out` holds, so one identical to the last is not serialised again.
    private var outSerial: UInt64 = 0
    private var parser = HTTP1ResponseParser(headRequest: false, keepLimit: 0)
    private var headRequest = false
    private var keepLimit = 0
    private var observer: BodyObserver?
    private var reused = false
    private var retried = false
    private var connectStart: UInt64 = 0
    private var connectEnd: UInt64 = 0
    private var handshakeEnd: UInt64 = 0
    private var sendStart: UInt64 = 0
    private var firstByteAt: UInt64 = 0
    private var received = 0
    private var sent = 0
    private var timeoutMs = 0
    /// When the request in flight times out; read by the driver's sweep.
    var deadline: UInt64 = 0
    /// Position in the driver's list of requests in flight.
    var trackIndex = -1

    init(driver: SocketDriver, address: SocketAddress, tlsHost: String?) {
        self.driver = driver
        self.address = address
        self.tlsHost = tlsHost
    }

    var isBusy: Bool { continuation != nil }

    // MARK: a request

    /// Sends `request` and returns what happened. Throws only `Interrupted` (after `cancel`).
    nonisolated(nonsending) func exchange(_ request: PreparedRequest) async throws -> TransferOutcome {
        // The executor-inheriting form: `withUnsafeThrowingContinuation(isolation:)` first switches
        // to the caller's isolation, where this already runs (the worker's loop), and each switch
        // takes the task's status lock for its executor preference (~290 instructions).
        try await _unsafeInheritExecutor_withUnsafeThrowingContinuation { (c: UnsafeContinuation<TransferOutcome, any Error>) in
            start(request, continuation: c)
        }
    }

    private func start(_ request: PreparedRequest, continuation c: UnsafeContinuation<TransferOutcome, any Error>) {
        let now = MonotonicClock.now()
        continuation = c
        headRequest = request.isHead
        keepLimit = request.keepLimit
        observer = request.bodyObserver
        parser.reset(headRequest: headRequest, keepLimit: keepLimit, observer: observer)
        retried = false
        received = 0
        sent = 0
        connectStart = 0
        connectEnd = 0
        handshakeEnd = 0
        firstByteAt = 0
        outOffset = 0
        if request.serial != outSerial {
            out.removeAll(keepingCapacity: true)
            HTTP1RequestWriter.write(request, into: &out)
            outSerial = request.serial
        }
        timeoutMs = Int(request.timeoutNs / 1_000_000)
        deadline = now &+ request.timeoutNs
        driver.track(self)
        if connected {
            reused = true
            sendStart = now
            send()
        } else {
            reused = false
            open()
        }
    }

    private func open() {
        connectStart = MonotonicClock.now()
        switch TCPSocket.connect(address) {
        case .failure(let error):
            fail(error, closing: false)
        case .success(let (fd, connected)):
            self.fd = fd
            driver.attach(self, fd: fd)
            if connected {
                connectionEstablished()
            } else {
                setInterest(SL_EPOLLIN | SL_EPOLLOUT)   // writable once connected
            }
        }
    }

    private func connectionEstablished() {
        connectEnd = MonotonicClock.now()
        if let tlsHost {
            let t = TLSChannel(context: driver.tlsContext, fd: fd, host: tlsHost, alpn: ["http/1.1"])
            tls = t
            channel = t
            continueHandshake()
        } else {
            channel = PlainChannel(fd: fd)
            connected = true
            sendStart = connectEnd
            send()
        }
    }

    private func continueHandshake() {
        guard let tls else { return }
        switch tls.handshake() {
        case .done:
            connected = true
            handshakeEnd = MonotonicClock.now()
            sendStart = handshakeEnd
            send()
        case .wouldBlock(let writable):
            setInterest(writable ? SL_EPOLLIN | SL_EPOLLOUT : SL_EPOLLIN)
        case .failed(let error):
            fail(error, closing: true)
        }
    }

    private func send() {
        guard let channel else { return }
        var result = IOResult.done(0)
        out.withUnsafeBytes { buf in
            while outOffset < buf.count {
                result = channel.write(UnsafeRawBufferPointer(rebasing: buf[outOffset...]))
                guard case .done(let n) = result, n > 0 else { break }
                outOffset += n
                sent += n
            }
        }
        if outOffset < out.count {
            switch result {
            case .wouldBlock(let writable):
                setInterest(writable ? SL_EPOLLIN | SL_EPOLLOUT : SL_EPOLLIN)
            case .failed(let error):
                connectionLost(error)
            case .closed, .done:
                connectionLost(nil)
            }
            return
        }
        setInterest(SL_EPOLLIN)
    }

    private func setInterest(_ events: UInt32) {
        guard events != interest else { return }
        driver.watch(fd: fd, events: events, alreadyWatched: interest != 0)
        interest = events
    }

    // MARK: events

    func handleIO(events: UInt32) {
        if !connected {
            if tls != nil {
                continueHandshake()
            } else if let error = TCPSocket.finishConnect(fd) {
                fail(error, closing: true)
            } else if events & (SL_EPOLLOUT | SL_EPOLLERR | SL_EPOLLHUP) != 0 {
                connectionEstablished()
            }
            return
        }
        // TLS may want the socket readable to go on writing (WANT_READ), so try then too.
        if outOffset < out.count && (events & SL_EPOLLOUT != 0 || tls != nil) {
            send()
            if continuation == nil { return }
        }
        if events & (SL_EPOLLIN | SL_EPOLLERR | SL_EPOLLHUP) != 0 {
            read()
        }
    }

    private func read() {
        guard let channel else { return }
        let buffer = driver.readBuffer
        var reads = 0
        while true {
            switch channel.read(into: buffer) {
            case .done(let n):
                guard continuation != nil else {
                    close()   // bytes nobody asked for: the connection is out of step
                    return
                }
                received += n
                // One clock read per read: the first byte's time, and the end's when this read
                // completes the response (its parsing is the client's time, not the server's).
                let readAt = MonotonicClock.now()
                if firstByteAt == 0 { firstByteAt = readAt }
                do {
                    switch try parser.consume(UnsafeRawBufferPointer(rebasing: buffer[0..<n])) {
                    case .needMore:
                        break
                    case .complete(let consumed):
                        succeed(reusable: parser.keepAlive && consumed == n, at: readAt)
                        return
                    }
                } catch {
                    fail(RequestError(.protocolError, Self.describe(error)), closing: true)
                    return
                }
                // A short read usually drained the socket; epoll is level-triggered, so stop
                // here rather than pay for a read that would block (and after 16 reads, to let
                // other sockets have a turn). TLS hands over one record per read and may hold
                // bytes epoll cannot see: read on until OpenSSL holds nothing more.
                reads += 1
                if let tls { if !tls.hasBufferedBytes { return } } else if n < buffer.count || reads >= 16 { return }
            case .closed:
                guard continuation != nil else {
                    close()   // the server closed an idle keep-alive connection
                    return
                }
                if parser.finishOnClose() {
                    succeed(reusable: false, at: MonotonicClock.now())
                } else {
                    connectionLost(nil)
                }
                return
            case .wouldBlock:
                return
            case .failed(let error):
                guard continuation != nil else {
                    close()
                    return
                }
                connectionLost(error)
                return
            }
        }
    }

    /// The connection broke: `error` says how, nil for an orderly close.
    private func connectionLost(_ error: RequestError?) {
        if reused && !retried && !parser.started {
            retried = true
            close()
            parser.reset(headRequest: headRequest, keepLimit: keepLimit, observer: observer)
            outOffset = 0
            received = 0
            open()
            return
        }
        let failure: RequestError
        if let error {
            if error.errorClass == .connectionReset && parser.started {
                failure = RequestError(.connectionReset, "connection reset by peer after \(received) bytes of the response")
            } else {
                failure = error
            }
        } else {
            failure = RequestError(.connectionClosed, parser.started
                ? "connection closed after \(received) bytes, before the response was complete"
                : "server closed the connection without a response")
        }
        fail(failure, closing: true)
    }

    // MARK: endings

    private func succeed(reusable: Bool, at end: UInt64) {
        guard let c = continuation else { return }
        continuation = nil
        driver.untrack(self)
        // Built in the call, so it is moved into the continuation rather than copied. Resuming
        // only queues the task: closing afterwards still happens before it runs.
        let (headerBytes, body) = parser.takeBlocks()
        c.resume(returning: outcome(end: end, httpVersion: parser.minorVersion == 0 ? "1.0" : "1.1",
                                    headerBytes: headerBytes, body: body, truncated: parser.truncated))
        if !reusable { close() }
    }

    private func fail(_ error: RequestError, closing: Bool) {
        guard let c = continuation else { return }
        continuation = nil
        driver.untrack(self)
        if closing { close() }
        c.resume(returning: outcome(end: MonotonicClock.now(),
                                    httpVersion: parser.status > 0 ? (parser.minorVersion == 0 ? "1.0" : "1.1") : "",
                                    headerBytes: parser.takeBlocks().headers, error: error))
    }

    /// How the exchange ended: the parser's status and size, the byte counts and the phase
    /// timings. One initializer call: an outcome filled field by field was copied on return.
    private func outcome(end: UInt64, httpVersion: String, headerBytes: [UInt8], body: [UInt8] = [],
                         truncated: Bool = false, error: RequestError? = nil) -> TransferOutcome {
        TransferOutcome(
            status: parser.status, httpVersion: httpVersion, headerBytes: headerBytes, body: body,
            bodySize: parser.bodySize, truncated: truncated, bytesReceived: received, bytesSent: sent,
            connectingUs: connectEnd > connectStart ? (connectEnd - connectStart) / 1000 : 0,
            tlsUs: handshakeEnd > connectEnd && connectEnd > 0 ? (handshakeEnd - connectEnd) / 1000 : 0,
            waitingUs: firstByteAt > sendStart && sendStart > 0 ? (firstByteAt - sendStart) / 1000 : 0,
            receivingUs: firstByteAt > 0 && end > firstByteAt ? (end - firstByteAt) / 1000 : 0,
            endedAt: end, error: error)
    }

    /// The driver's sweep found the request past its deadline.
    func timeOut() {
        fail(RequestError(.timeout, "no complete response within \(timeoutMs) ms"), closing: true)
    }

    /// Abandons the request in flight, if any: counted as interrupted, not as an error.
    func cancel() {
        guard let c = continuation else { return }
        continuation = nil
        driver.untrack(self)
        close()
        c.resume(throwing: Interrupted())
    }

    /// Closes the socket; the next request connects again.
    func close() {
        guard fd >= 0 else { return }
        driver.retire(fd: fd, watched: interest != 0)
        fd = -1
        connected = false
        channel = nil
        tls = nil   // freed now; it never closes the socket itself (the driver does)
        interest = 0
    }

    // MARK: errors

    static func describe(_ error: HTTP1ResponseParser.Failure) -> String {
        switch error {
        case .malformed(let what): return "malformed response: \(what)"
        case .headersTooLarge: return "response headers larger than \(HTTP1ResponseParser.maxHeaderBytes / 1024) kB"
        }
    }
}
