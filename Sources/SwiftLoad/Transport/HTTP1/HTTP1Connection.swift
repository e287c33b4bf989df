import CEpoll
#if canImport(Glibc)
import Glibc
#endif

/// One keep-alive TCP connection of a VU to one endpoint, speaking HTTP/1.1 on a non-blocking
/// socket in the worker's epoll loop: one `send` and (usually) one `recv` per request.
///
/// A request sent on a reused connection that the server closed before answering (the
/// keep-alive race every client meets, e.g. at nginx's `keepalive_requests` limit) is sent once
/// more on a new connection, as curl and browsers do.
final class HTTP1Connection: SocketHandler, DeadlineTracked {
    private unowned let driver: SocketDriver
    private unowned let vu: VU
    private let address: SocketAddress
    private var fd: Int32 = -1
    private var connected = false
    private var interest: UInt32 = 0

    // The request in flight.
    private var continuation: UnsafeContinuation<(TransferOutcome, UInt64), any Error>?
    private var out: [UInt8] = []
    private var outOffset = 0
    /// What `out` holds, so a request identical to the last one is not serialised again.
    private var outKey: OutKey?
    private var parser = HTTP1ResponseParser(headRequest: false, keepLimit: 0)
    private var headRequest = false
    private var keepLimit = 0
    private var reused = false
    private var retried = false
    private var blockedUs: UInt64 = 0
    private var connectStart: UInt64 = 0
    private var connectEnd: UInt64 = 0
    private var sendStart: UInt64 = 0
    private var firstByteAt: UInt64 = 0
    private var received = 0
    private var sent = 0
    private var timeoutMs = 0
    /// When the request in flight times out; read by the driver's sweep.
    var deadline: UInt64 = 0
    /// Position in the driver's list of requests in flight.
    var trackIndex = -1

    private struct OutKey: Equatable {
        var method: HTTPMethod
        var url: String
        var headers: HTTPHeaders
        var body: Body
    }

    init(driver: SocketDriver, vu: VU, address: SocketAddress) {
        self.driver = driver
        self.vu = vu
        self.address = address
    }

    var isBusy: Bool { continuation != nil }

    // MARK: a request

    /// Sends `request` and returns what happened with the instant it ended. Recording is the
    /// caller's: a redirect chain counts as one request.
    nonisolated(nonsending) func exchange(_ request: Request, url: String, target: HTTPTarget,
                                          blockedUs: UInt64) async throws -> (TransferOutcome, UInt64) {
        try await withUnsafeThrowingContinuation { (c: UnsafeContinuation<(TransferOutcome, UInt64), any Error>) in
            start(request, url: url, target: target, blockedUs: blockedUs, continuation: c)
        }
    }

    private func start(_ request: Request, url: String, target: HTTPTarget, blockedUs: UInt64,
                       continuation c: UnsafeContinuation<(TransferOutcome, UInt64), any Error>) {
        let settings = driver.settings
        let now = MonotonicClock.now()
        continuation = c
        headRequest = request.method == .head
        keepLimit = (request.keepBody ?? settings.bodyRetention).limit
        parser = HTTP1ResponseParser(headRequest: headRequest, keepLimit: keepLimit)
        self.blockedUs = blockedUs
        retried = false
        received = 0
        sent = 0
        connectStart = 0
        connectEnd = 0
        firstByteAt = 0
        outOffset = 0
        let key = OutKey(method: request.method, url: url, headers: request.headers, body: request.body)
        if key != outKey {
            out.removeAll(keepingCapacity: true)
            outKey = nil
            if let problem = HTTP1RequestWriter.write(request, target: target, userAgent: settings.userAgent, into: &out) {
                fail(problem, closing: false)
                return
            }
            outKey = key
        }
        let timeout = request.timeout?.nanoseconds ?? settings.requestTimeoutNs
        timeoutMs = Int(timeout / 1_000_000)
        deadline = now &+ timeout
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
        connected = true
        connectEnd = MonotonicClock.now()
        sendStart = connectEnd
        send()
    }

    private func send() {
        out.withUnsafeBytes { buf in
            while outOffset < buf.count {
                let n = Glibc.send(fd, buf.baseAddress! + outOffset, buf.count - outOffset, Int32(MSG_NOSIGNAL))
                if n > 0 {
                    outOffset += n
                    sent += n
                } else if n < 0 && errno == EINTR {
                    continue
                } else {
                    break
                }
            }
        }
        if outOffset < out.count {
            let e = errno
            if e == EAGAIN || e == EWOULDBLOCK {
                setInterest(SL_EPOLLIN | SL_EPOLLOUT)
            } else {
                connectionLost(e, whileSending: true)
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
            if let error = TCPSocket.finishConnect(fd) {
                fail(error, closing: true)
            } else if events & (SL_EPOLLOUT | SL_EPOLLERR | SL_EPOLLHUP) != 0 {
                connectionEstablished()
            }
            return
        }
        if events & SL_EPOLLOUT != 0 && outOffset < out.count {
            send()
            if continuation == nil { return }
        }
        if events & (SL_EPOLLIN | SL_EPOLLERR | SL_EPOLLHUP) != 0 {
            read()
        }
    }

    private func read() {
        let buffer = driver.readBuffer
        var reads = 0
        while true {
            let n = recv(fd, buffer.baseAddress, buffer.count, 0)
            if n > 0 {
                guard continuation != nil else {
                    close()   // bytes nobody asked for: the connection is out of step
                    return
                }
                received += n
                if firstByteAt == 0 { firstByteAt = MonotonicClock.now() }
                do {
                    switch try parser.consume(UnsafeRawBufferPointer(rebasing: buffer[0..<n])) {
                    case .needMore:
                        break
                    case .complete(let consumed):
                        succeed(reusable: parser.keepAlive && consumed == n)
                        return
                    }
                } catch {
                    fail(RequestError(.protocolError, Self.describe(error)), closing: true)
                    return
                }
                // A short read usually drained the socket; epoll is level-triggered, so stop
                // here rather than pay for a recv that returns EAGAIN.
                reads += 1
                if n < buffer.count || reads >= 16 { return }
            } else if n == 0 {
                guard continuation != nil else {
                    close()   // the server closed an idle keep-alive connection
                    return
                }
                if parser.finishOnClose() {
                    succeed(reusable: false)
                } else {
                    connectionLost(0, whileSending: false)
                }
                return
            } else {
                let e = errno
                if e == EINTR { continue }
                if e == EAGAIN || e == EWOULDBLOCK { return }
                guard continuation != nil else {
                    close()
                    return
                }
                connectionLost(e, whileSending: false)
                return
            }
        }
    }

    /// The connection broke (`e` is the errno, 0 for an orderly close).
    private func connectionLost(_ e: Int32, whileSending: Bool) {
        if reused && !retried && !parser.started {
            retried = true
            close()
            parser = HTTP1ResponseParser(headRequest: headRequest, keepLimit: keepLimit)
            outOffset = 0
            received = 0
            open()
            return
        }
        let error: RequestError
        if e == ECONNRESET || e == EPIPE {
            error = RequestError(.connectionReset, "connection reset by peer\(parser.started ? " after \(received) bytes of the response" : "")")
        } else if e == 0 {
            error = RequestError(.connectionClosed, parser.started
                ? "connection closed after \(received) bytes, before the response was complete"
                : "server closed the connection without a response")
        } else {
            error = RequestError(.other, "\(whileSending ? "send" : "recv") failed: \(Self.describe(e))")
        }
        fail(error, closing: true)
    }

    // MARK: endings

    private func succeed(reusable: Bool) {
        guard let c = continuation else { return }
        continuation = nil
        driver.untrack(self)
        let end = MonotonicClock.now()
        var o = outcome(end: end)
        o.status = parser.status
        o.httpVersion = parser.minorVersion == 0 ? "1.0" : "1.1"
        o.headerBytes = parser.headerBytes
        o.body = parser.body
        o.bodySize = parser.bodySize
        o.truncated = parser.truncated
        parser = HTTP1ResponseParser(headRequest: false, keepLimit: 0)
        if !reusable { close() }
        c.resume(returning: (o, end))
    }

    private func fail(_ error: RequestError, closing: Bool) {
        guard let c = continuation else { return }
        continuation = nil
        driver.untrack(self)
        if closing { close() }
        let end = MonotonicClock.now()
        var o = outcome(end: end)
        o.status = parser.status
        o.httpVersion = parser.status > 0 ? (parser.minorVersion == 0 ? "1.0" : "1.1") : ""
        o.headerBytes = parser.headerBytes
        o.bodySize = parser.bodySize
        o.error = error
        parser = HTTP1ResponseParser(headRequest: false, keepLimit: 0)
        c.resume(returning: (o, end))
    }

    private func outcome(end: UInt64) -> TransferOutcome {
        var o = TransferOutcome()
        o.bytesReceived = received
        o.bytesSent = sent
        o.blockedUs = blockedUs
        if connectEnd > connectStart { o.connectingUs = (connectEnd - connectStart) / 1000 }
        if firstByteAt > sendStart && sendStart > 0 { o.waitingUs = (firstByteAt - sendStart) / 1000 }
        if firstByteAt > 0 && end > firstByteAt { o.receivingUs = (end - firstByteAt) / 1000 }
        return o
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
        vu.context.recorder.interruptedRequests += 1
        c.resume(throwing: Interrupted())
    }

    /// Closes the socket; the next request connects again.
    func close() {
        guard fd >= 0 else { return }
        driver.retire(fd: fd, watched: interest != 0)
        fd = -1
        connected = false
        interest = 0
    }

    // MARK: errors

    static func describe(_ e: Int32) -> String { TCPSocket.describe(e) }

    static func describe(_ error: HTTP1ResponseParser.Failure) -> String {
        switch error {
        case .malformed(let what): return "malformed response: \(what)"
        case .headersTooLarge: return "response headers larger than \(HTTP1ResponseParser.maxHeaderBytes / 1024) kB"
        }
    }
}
