import CEpoll
import CNghttp2
#if canImport(Glibc)
import Glibc
#endif

/// One HTTP/2 connection (cleartext with prior knowledge, or TLS with ALPN `h2`) driven by an
/// nghttp2 client session on the worker's epoll loop. Streams from any of the worker's VUs share
/// it, up to the server's SETTINGS_MAX_CONCURRENT_STREAMS and the test's own limit.
///
/// nghttp2 does the framing, HPACK and flow control; this class moves bytes: `nghttp2_session_mem_recv`
/// on what the socket delivers, `nghttp2_session_mem_send` into the socket once per loop turn
/// (so many streams' frames leave in one write).
final class H2Connection: SocketHandler, Flushable {
    enum State { case connecting, handshaking, open, closed }

    unowned let pool: H2Pool
    // unowned(unsafe): the worker's driver outlives its HTTP/2 client, pools and connections
    // (the worker shuts the client down first); the checked form cost a retain and a release
    // at each use, several a request.
    private unowned(unsafe) let driver: SocketDriver
    /// The test's limit of streams per connection (the pool's).
    private let maxStreams: Int
    private(set) var state = State.connecting
    private var fd: Int32 = -1
    private var channel: ByteChannel?
    private var tls: TLSChannel?
    private var interest: UInt32 = 0
    private var session: OpaquePointer?
    /// The session's memory; released after the session (see `H2Allocator`).
    private let allocator = H2Allocator()
    /// Open streams by id. nghttp2 is given no pointer to a stream (its user data stays nil), so
    /// a stream that is cancelled, timed out or freed can never be reached from a callback.
    private var active = H2StreamTable<H2Stream>() {
        // Any change may have removed the stream the lookup below remembers.
        didSet { lookedUpID = 0; lookedUp = nil }
    }
    /// The stream `stream(_:)` found last. nghttp2 reports a response as a run of callbacks for
    /// one stream (each header field, the HEADERS frame, the data, the close): about twelve
    /// lookups per request, answered here without probing the table.
    private var lookedUpID: Int32 = 0   // client streams are odd: 0 is no stream
    /// Unmanaged: `active` holds the stream, and any change to `active` clears this. Callbacks
    /// reach it without the retain and release a strong reference cost per header field.
    private var lookedUp: Unmanaged<H2Stream>?
    /// The header blocks of streams cancelled here before nghttp2 closed them. nghttp2 reads a
    /// block's fields where they lie (`H2HeaderBlock`) until it has sent or dropped the HEADERS
    /// frame, and a cancelled stream's frame may still be queued: its block stays until nghttp2
    /// closes the stream, the queue is empty after a flush, or the session is deleted.
    private var cancelledBlocks = H2StreamTable<H2HeaderBlock>()
    /// The header block being received.
    private let fields = H2FieldBlock()
    /// When the bytes nghttp2 is parsing were read; 0 outside `nghttp2_session_mem_recv`. The
    /// responses in one read arrived together: each takes this reading for its first byte and
    /// its end, as the HTTP/1.1 client does. A clock read per callback would add the time spent
    /// parsing the responses before it, and cost two readings per request.
    private var readAt: UInt64 = 0
    /// Streams accepted before the session was open.
    private var pending: [H2Stream] = []
    /// The server sent GOAWAY: no new streams here.
    private(set) var goingAway = false
    private var out: [UInt8] = []
    private var outOffset = 0
    private var flushQueued = false
    private var connectStart: UInt64 = 0
    private var connectedAt: UInt64 = 0
    private var handshakeDoneAt: UInt64 = 0
    /// The stream that opened this connection pays for connecting; held until then. Not a weak
    /// reference: that would give the stream a side table, and every retain and release of it
    /// the slow path, for as long as its VU reuses it (`H2Stream.reuse`).
    private var opener: H2Stream?
    /// The first bytes the server sent, to name the problem when it does not speak HTTP/2.
    private var firstBytes: [UInt8] = []
    /// Bytes received (whole frames, from `H2Callbacks.onBeginFrame`) and sent that no stream
    /// has taken yet. A stream takes them when its next frame arrives or leaves, so the
    /// connection's own frames (the preface, SETTINGS, WINDOW_UPDATE, PING) go to the request
    /// that follows them, and the requests' data counts add up to what crossed the wire.
    var unchargedReceived = 0
    private var unchargedSent = 0

    /// An HTTP/2 frame's header (RFC 9113 §4.1), the client's connection preface (§3.4), and the
    /// most of a header block nghttp2 puts in one frame, whatever the peer allows
    /// (NGHTTP2_MAX_PAYLOADLEN: the rest goes in CONTINUATION frames).
    static let frameHeaderSize = 9
    private static let prefaceSize = 24
    private static let headerFragmentSize = 16_384

    init(pool: H2Pool) {
        self.pool = pool
        driver = pool.driver
        maxStreams = pool.maxStreamsPerConnection
    }

    deinit {
        // The session points back at this object: it must not outlive it.
        if let session { nghttp2_session_del(session) }
    }

    /// The server's SETTINGS_MAX_CONCURRENT_STREAMS (unlimited until its SETTINGS arrive).
    private var remoteMaxStreams = Int.max

    /// Streams this connection can still take now.
    var capacity: Int {
        guard state != .closed && !goingAway else { return 0 }
        return min(maxStreams, remoteMaxStreams) - active.count - pending.count
    }

    func onSettings() {
        guard let session else { return }
        remoteMaxStreams = Int(nghttp2_session_get_remote_settings(session, NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS))
        pool.capacityFreed(on: self)
    }

    var load: Int { active.count + pending.count }

    // MARK: connecting

    func open(for stream: H2Stream) {
        opener = stream
        connectStart = MonotonicClock.now()
        switch TCPSocket.connect(pool.address) {
        case .failure(let error):
            fail(error, requeuePending: false)
        case .success(let (fd, connected)):
            self.fd = fd
            driver.attach(self, fd: fd)
            if connected {
                tcpConnected()
            } else {
                setInterest(SL_EPOLLIN | SL_EPOLLOUT)
            }
        }
    }

    private func tcpConnected() {
        connectedAt = MonotonicClock.now()
        if pool.tls {
            let t = TLSChannel(context: pool.client.tlsContext, fd: fd, host: pool.host, alpn: ["h2"])
            tls = t
            channel = t
            state = .handshaking
            continueHandshake()
        } else {
            channel = PlainChannel(fd: fd)
            sessionReady()
        }
    }

    private func continueHandshake() {
        guard let tls else { return }
        switch tls.handshake() {
        case .done:
            handshakeDoneAt = MonotonicClock.now()
            guard tls.negotiatedProtocol == "h2" else {
                fail(RequestError(.protocolError, "the server did not agree to HTTP/2 (ALPN: \(tls.negotiatedProtocol ?? "none"))"), requeuePending: false)
                return
            }
            sessionReady()
        case .wouldBlock(let writable):
            setInterest(writable ? SL_EPOLLIN | SL_EPOLLOUT : SL_EPOLLIN)
        case .failed(let error):
            fail(error, requeuePending: false)
        }
    }

    private func sessionReady() {
        state = .open
        var s: OpaquePointer?
        var mem = allocator.mem
        nghttp2_session_client_new3(&s, H2Callbacks.shared.callbacks, Unmanaged.passUnretained(self).toOpaque(), nil, &mem)
        session = s
        unchargedSent = Self.prefaceSize   // nghttp2 sends it first, outside any frame
        // Large windows: one stream must be able to move a multi-megabyte message without
        // waiting for WINDOW_UPDATE round trips; nghttp2 sends the updates itself.
        var settings = [
            nghttp2_settings_entry(settings_id: Int32(NGHTTP2_SETTINGS_ENABLE_PUSH.rawValue), value: 0),
            nghttp2_settings_entry(settings_id: Int32(NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE.rawValue), value: 16 << 20),
            nghttp2_settings_entry(settings_id: Int32(NGHTTP2_SETTINGS_MAX_FRAME_SIZE.rawValue), value: 1 << 20),
        ]
        nghttp2_submit_settings(s, UInt8(NGHTTP2_FLAG_NONE.rawValue), &settings, settings.count)
        nghttp2_session_set_local_window_size(s, UInt8(NGHTTP2_FLAG_NONE.rawValue), 0, 64 << 20)
        if let opener, opener.continuation != nil {
            opener.connectingUs = (connectedAt &- connectStart) / 1000
            if handshakeDoneAt > 0 { opener.tlsUs = (handshakeDoneAt &- connectedAt) / 1000 }
        }
        opener = nil
        let waiting = pending
        pending.removeAll()
        for stream in waiting where stream.continuation != nil { submit(stream) }
        setInterest(SL_EPOLLIN)
        queueFlush()
    }

    // MARK: streams

    /// Takes `stream`: submits it now, or when the session opens.
    func accept(_ stream: H2Stream) {
        stream.connection = self
        if state == .open { submit(stream) } else { pending.append(stream) }
    }

    private func submit(_ stream: H2Stream) {
        guard let session else { return }
        // The request's parts, not a copy of it (a copy retains each of its arrays).
        let headers = stream.request.headers
        let bodyCount = stream.request.body.count
        let id: Int32 = headers.withNV { nva in
            if bodyCount == 0 {
                return nghttp2_submit_request(session, nil, nva.baseAddress, nva.count, nil, nil)
            }
            // The body is read by stream id (see H2Callbacks.readBody), not through a pointer.
            var provider = nghttp2_data_provider()
            provider.read_callback = H2Callbacks.readBody
            return nghttp2_submit_request(session, nil, nva.baseAddress, nva.count, &provider, nil)
        }
        guard id > 0 else {
            // Stream ids ran out (or the session is closing): another connection takes it.
            goingAway = true
            stream.connection = nil
            pool.requeue(stream)
            return
        }
        stream.streamID = id
        stream.submittedAt = MonotonicClock.now()
        active.insert(stream, for: id)
        if stream.request.isPaced { scheduleRelease(of: stream, at: stream.submittedAt &+ stream.request.intervalNs) }
        queueFlush()
    }

    /// Lets a paced body's next message go at `time`, and the one after it an interval later.
    private func scheduleRelease(of stream: H2Stream, at time: UInt64) {
        let generation = stream.sendGeneration
        stream.driver.loop.schedule(at: time) { [weak self, weak stream] in
            guard let self, let stream, stream.sendGeneration == generation, stream.connection === self,
                  let session = self.session, self.active[stream.streamID] === stream else { return }
            stream.released += 1
            if stream.deferred {
                stream.deferred = false
                nghttp2_session_resume_data(session, stream.streamID)
                self.queueFlush()
            }
            if stream.released < stream.request.messageEnds.count {
                self.scheduleRelease(of: stream, at: time &+ stream.request.intervalNs)
            }
        }
    }

    /// The open stream with `id`.
    func stream(_ id: Int32) -> H2Stream? {
        if id == lookedUpID { return lookedUp?.takeUnretainedValue() }
        let s = active[id]
        if let s { lookedUpID = id; lookedUp = .passUnretained(s) }
        return s
    }

    /// Resets the stream (time-out, interrupted run, message over the limit).
    func cancel(_ stream: H2Stream) {
        if let i = pending.firstIndex(where: { $0 === stream }) {
            pending.remove(at: i)
            return
        }
        guard let session, stream.streamID > 0, active.remove(stream.streamID) != nil else { return }
        cancelledBlocks.insert(stream.request.headers, for: stream.streamID)
        // nghttp2 keeps the stream until the reset is sent and may still report frames for it;
        // they find no stream under this id and are dropped.
        nghttp2_submit_rst_stream(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), stream.streamID, NGHTTP2_CANCEL.rawValue)
        queueFlush()
        pool.capacityFreed(on: self)
    }

    // MARK: callbacks from nghttp2

    /// Charges a frame nghttp2 has just laid out for sending to its stream, with the bytes sent
    /// since a stream last took them; a frame of no open stream waits for the next one.
    func onFrameSent(streamID: Int32, type: UInt8, length: Int) {
        var bytes = Self.frameHeaderSize &+ length
        if type == UInt8(NGHTTP2_HEADERS.rawValue), length > Self.headerFragmentSize {
            // nghttp2 reports the whole block; past 16 KB it went on in CONTINUATION frames.
            bytes &+= Self.frameHeaderSize &* ((length &- 1) / Self.headerFragmentSize)
        }
        guard streamID != 0, let stream = stream(streamID) else {
            unchargedSent &+= bytes
            return
        }
        stream.bytesSent &+= bytes &+ unchargedSent
        unchargedSent = 0
    }

    /// Gives `stream` the bytes received since a stream last took them: the frame that brought
    /// what it is handed now, and any of the connection's own frames that came before it.
    private func chargeReceived(to stream: H2Stream) {
        stream.bytesReceived &+= unchargedReceived
        unchargedReceived = 0
    }

    /// When what a callback reports arrived: the read's time during one, else now.
    private var arrival: UInt64 { readAt != 0 ? readAt : MonotonicClock.now() }

    func onHeader(streamID: Int32, name: UnsafeBufferPointer<UInt8>, value: UnsafeBufferPointer<UInt8>) {
        // Once per field of every response: the stream is used in place (`active` keeps it
        // alive, and nothing here changes `active`), not retained and released each time.
        if streamID != lookedUpID && stream(streamID) == nil { return }
        lookedUp?._withUnsafeGuaranteedRef { stream in
            chargeReceived(to: stream)
            if stream.firstByteAt == 0 { stream.firstByteAt = arrival }
            if stream.receivedField(name: name, value: value) {
                fields.append(streamID: streamID, name: name, value: value)
            }
        }
    }

    func onHeadersFrame(streamID: Int32) {
        guard let stream = stream(streamID) else {
            fields.take(streamID: streamID) { _ in }   // a stream no longer here: its block is dropped
            return
        }
        chargeReceived(to: stream)
        fields.take(streamID: streamID) { stream.receivedBlock($0) }   // copied into the stream's array
    }

    func onData(streamID: Int32, bytes: UnsafeRawBufferPointer) {
        guard let stream = stream(streamID) else { return }
        chargeReceived(to: stream)
        if stream.firstByteAt == 0 { stream.firstByteAt = arrival }
        stream.received(data: bytes)
        if stream.firstMessageAt == 0, stream.messageLimit != nil, stream.body.count >= 5,
           let first = GRPCFraming.announcedLength(stream.body.prefix(5)), stream.body.count >= 5 + first {
            stream.firstMessageAt = arrival
        }
        if let limit = stream.messageLimit, stream.bodySize >= 5,
           stream.header("content-type")?.hasPrefix("application/grpc") == true,
           let announced = GRPCFraming.announcedLength(stream.body.prefix(5)), announced > limit {
            cancel(stream)
            stream.finish(RequestError(.grpc(.resourceExhausted),
                "received message larger than max (\(announced) vs. \(limit))"))
        }
    }

    func onStreamClose(streamID: Int32, errorCode: UInt32) {
        guard let stream = active.remove(streamID) else {
            if !cancelledBlocks.isEmpty { _ = cancelledBlocks.remove(streamID) }
            return
        }
        chargeReceived(to: stream)   // an empty DATA frame that ended it, or a RST_STREAM
        if errorCode == NGHTTP2_REFUSED_STREAM.rawValue && stream.status == 0 && stream.attempts < 3 {
            // Never processed (GOAWAY or REFUSED_STREAM): safe to send again elsewhere.
            pool.client.refusedStreams += 1
            stream.attempts += 1
            stream.resetForRetry()
            pool.requeue(stream)
        } else if errorCode != NGHTTP2_NO_ERROR.rawValue && stream.error == nil {
            let name = String(cString: nghttp2_http2_strerror(errorCode))
            stream.finish(RequestError(.protocolError, "stream reset by the server: \(name)"))
        } else {
            stream.finish(at: arrival)
        }
        pool.capacityFreed(on: self)
    }

    func onGoAway(lastStreamID: Int32, errorCode: UInt32) {
        if !goingAway {
            goingAway = true
            pool.client.goaways += 1
        }
        // Streams not yet submitted go elsewhere now; nghttp2 refuses those beyond lastStreamID.
        let waiting = pending
        pending.removeAll()
        for s in waiting { s.connection = nil; pool.requeue(s) }
        pool.connectionStopsTakingStreams(self)
    }

    // MARK: I/O

    func handleIO(events: UInt32) {
        switch state {
        case .connecting:
            if let error = TCPSocket.finishConnect(fd) {
                fail(error, requeuePending: false)
            } else if events & (SL_EPOLLOUT | SL_EPOLLERR | SL_EPOLLHUP) != 0 {
                tcpConnected()
            }
        case .handshaking:
            continueHandshake()
        case .open:
            if events & SL_EPOLLOUT != 0 { flush() }
            if events & (SL_EPOLLIN | SL_EPOLLERR | SL_EPOLLHUP) != 0 { read() }
        case .closed:
            break
        }
    }

    private func read() {
        guard let channel, let session else { return }
        let buffer = driver.readBuffer
        // At most 16 reads a turn in the clear; over TLS until OpenSSL holds nothing more, since
        // what it read ahead is invisible to epoll.
        var reads = 0
        while tls != nil || reads < 16 {
            reads += 1
            switch channel.read(into: buffer) {
            case .done(let n):
                if firstBytes.count < 8 {
                    firstBytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[0..<min(n, 8 - firstBytes.count)]))
                }
                readAt = MonotonicClock.now()
                let rc = buffer.withUnsafeBytes { raw in
                    nghttp2_session_mem_recv(session, raw.baseAddress!.assumingMemoryBound(to: UInt8.self), n)
                }
                readAt = 0
                if rc < 0 {
                    fail(RequestError(.protocolError, protocolFailure("HTTP/2 protocol error: \(String(cString: nghttp2_strerror(Int32(rc))))")),
                         requeuePending: false)
                    return
                }
                if state == .closed { return }
                queueFlush()
                if let tls { if !tls.hasBufferedBytes { return } } else if n < buffer.count { return }
            case .closed:
                fail(RequestError(.connectionClosed, "the server closed the HTTP/2 connection"), requeuePending: true)
                return
            case .wouldBlock:
                return
            case .failed(let error):
                fail(error, requeuePending: true)
                return
            }
        }
    }

    /// Why the session gave up, in words: a server speaking HTTP/1.1 is the usual cause.
    private func protocolFailure(_ otherwise: String) -> String {
        if firstBytes.starts(with: "HTTP/1.".utf8) {
            return "the server answered in HTTP/1.1, not HTTP/2 (is this an HTTP/2 or gRPC port?)"
        }
        return otherwise
    }

    private func queueFlush() {
        guard !flushQueued, state == .open else { return }
        flushQueued = true
        driver.needsFlush(self)
    }

    /// Writes everything nghttp2 has to send, as far as the socket takes it. nghttp2 hands over
    /// one frame per call; the frames of a turn (a HEADERS frame for each request started, the
    /// window updates, ...) are gathered into one buffer and written together, up to 64 kB at a
    /// time: one send, and over TLS one record, where a write per frame cost a system call per
    /// request (h2load batches the same way).
    func flush() {
        flushQueued = false
        guard state == .open, let channel, let session else { return }
        while true {
            while out.count - outOffset < Self.writeBatch {
                var data: UnsafePointer<UInt8>?
                let n = nghttp2_session_mem_send(session, &data)
                if n < 0 {
                    fail(RequestError(.protocolError, "HTTP/2 error: \(String(cString: nghttp2_strerror(Int32(n))))"), requeuePending: false)
                    return
                }
                if n == 0 { break }
                out.append(contentsOf: UnsafeBufferPointer(start: data, count: n))
            }
            if outOffset >= out.count { break }
            let result = out.withUnsafeBytes { channel.write(UnsafeRawBufferPointer(rebasing: $0[outOffset...])) }
            guard handleWrite(result, wrote: &outOffset, of: out.count) else { return }
            if outOffset < out.count { continue }
            out.removeAll(keepingCapacity: true)
            outOffset = 0
        }
        setInterest(SL_EPOLLIN)
        if !cancelledBlocks.isEmpty && nghttp2_session_get_outbound_queue_size(session) == 0 {
            cancelledBlocks.removeAll()   // no HEADERS frame is left to encode
        }
        if goingAway && active.isEmpty && pending.isEmpty {
            close()
        } else if nghttp2_session_want_read(session) == 0 && nghttp2_session_want_write(session) == 0 {
            // nghttp2 ended the session itself (a connection error it answered with GOAWAY).
            fail(RequestError(.protocolError, protocolFailure("the HTTP/2 session ended on a connection error")),
                 requeuePending: false)
        }
    }

    private static let writeBatch = 64 * 1024

    /// Applies a write's result; false when the loop should stop (would block, or failed).
    private func handleWrite(_ result: IOResult, wrote offset: inout Int, of total: Int) -> Bool {
        switch result {
        case .done(let n):
            offset += n
            return true
        case .wouldBlock:
            setInterest(SL_EPOLLIN | SL_EPOLLOUT)
            return false
        case .closed:
            fail(RequestError(.connectionClosed, "the server closed the HTTP/2 connection"), requeuePending: true)
            return false
        case .failed(let error):
            fail(error, requeuePending: true)
            return false
        }
    }

    private func setInterest(_ events: UInt32) {
        guard events != interest, fd >= 0 else { return }
        driver.watch(fd: fd, events: events, alreadyWatched: interest != 0)
        interest = events
    }

    // MARK: endings

    /// The connection is lost or unusable. Streams it was working on fail with `error`: the
    /// server may have acted on them, so they are not sent again (only GOAWAY says which were
    /// not). Streams it had not submitted yet go back to the pool when `requeuePending`, a few
    /// times at most.
    private func fail(_ error: RequestError, requeuePending: Bool) {
        guard state != .closed else { return }
        let submitted = active.values
        let notSent = pending
        active.removeAll()
        pending.removeAll()
        close()
        for s in submitted where s.continuation != nil { s.finish(error) }
        for s in notSent where s.continuation != nil {
            if requeuePending && s.attempts < 3 {
                s.attempts += 1
                s.resetForRetry()
                pool.requeue(s)
            } else {
                s.finish(error)
            }
        }
    }

    /// Closes the socket and leaves the pool.
    func close() {
        guard state != .closed else { return }
        state = .closed
        opener = nil
        if let session { nghttp2_session_del(session) }
        session = nil
        cancelledBlocks.removeAll()
        tls = nil
        channel = nil
        if fd >= 0 {
            driver.retire(fd: fd, watched: interest != 0)
            fd = -1
        }
        interest = 0
        pool.connectionClosed(self)
    }

    /// Fails everything at the end of the run.
    func shutDown() {
        for s in active.values + pending { s.interrupt() }
        active.removeAll()
        pending.removeAll()
        close()
    }
}
