/// The request a transport is working on: what the metrics need besides the outcome.
struct RequestInFlight {
    /// Set for every request a transport sends; the default only fills idle connections.
    var series = SeriesSlot(SeriesKey(name: "", group: "", scenario: "", tags: []))
    var url = ""
    var intendedStart: UInt64 = 0
    var actualStart: UInt64 = 0
    var expectedStatuses: ClosedRange<Int> = 0...399
    /// Body bytes the script keeps at most (`keepBody`, or the test's retention).
    var keepLimit = 0
    /// Bytes of earlier hops of a redirect chain another transport began.
    var carriedSent = 0, carriedReceived = 0
    /// Redirects a chain begun elsewhere may still follow (nil: the test's limit).
    var redirectsLeft: Int?

    init() {}

    /// Captures `request` starting now; the VU supplies the intended start (open models).
    var name: String { series.key.name }

    init(_ request: Request, url: String, vu: VU) {
        self.url = url
        expectedStatuses = request.expectedStatuses ?? 0...399
        keepLimit = (request.keepBody ?? vu.context.http.bodyRetention).limit
        if let chain = vu.chain {
            // The rest of a redirect chain another transport began: one request from its start.
            vu.chain = nil
            series = chain.series
            actualStart = chain.actualStart
            intendedStart = chain.intendedStart
            carriedSent = chain.bytesSent
            carriedReceived = chain.bytesReceived
            redirectsLeft = chain.redirectsLeft
            return
        }
        series = vu.series(name: request.metricName, tags: request.tags, url: url)
        let now = MonotonicClock.now()
        actualStart = now
        intendedStart = vu.takeIntendedStart(now: now)
    }
}

/// Where a redirect chain stands when it moves to another transport (http:// → https://).
struct RedirectChain {
    var intendedStart: UInt64
    var actualStart: UInt64
    var series: SeriesSlot
    var bytesSent: Int
    var bytesReceived: Int
    var redirectsLeft: Int
}

/// What a transport knows when a request ended. Every transport fills one in and calls
/// `complete`, so metrics and responses are built the same way whichever transport ran.
struct TransferOutcome {
    var status = 0
    var httpVersion = ""
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
    /// A transport failure; an unexpected status is classified in `complete`.
    var error: RequestError?

    /// gRPC calls: the status the call ended with.
    var grpcStatus: GRPCStatusCode?

    /// Records the request in `recorder` and builds the response the VU gets.
    func complete(_ r: RequestInFlight, end: UInt64, vu: VU) -> Response {
        var o = self
        o.decodeContent(limit: r.keepLimit)
        let (timings, error) = o.record(r, end: end, vu: vu)
        return Response(name: r.name, url: r.url, status: o.status, httpVersion: o.httpVersion,
                        rawHeaders: o.headerBytes, body: o.body, bodySize: o.bodySize, bodyTruncated: o.truncated,
                        timings: timings, error: error)
    }

    /// Decodes a gzip or deflate body in place (`ContentDecoding`), the same for every transport.
    /// `bodySize` stays the size on the wire. A body cut by the retention limit is left as it
    /// came (part of a compressed stream decodes to nothing useful); one that does not decode is
    /// a protocol error.
    mutating func decodeContent(limit: Int) {
        guard error == nil, !body.isEmpty, !truncated, let coding = ContentDecoding.coding(inRawHeaders: headerBytes) else { return }
        if let decoded = ContentDecoding.decode(body, coding, limit: limit) {
            body = decoded.bytes
            truncated = decoded.truncated
        } else {
            error = RequestError(.protocolError, "the \(coding == .gzip ? "gzip" : "deflate") body does not decode")
        }
    }

    /// Records the request in `recorder`; returns its timings and the error it counts as (an
    /// unexpected HTTP status becomes one here).
    func record(_ r: RequestInFlight, end: UInt64, vu: VU) -> (Timings, RequestError?) {
        var error = self.error
        if error == nil && !r.expectedStatuses.contains(status) {
            error = RequestError(.httpStatus, "HTTP \(status)")
        }
        let durationNs = end &- r.intendedStart
        let serviceNs = end &- r.actualStart

        let m = r.series.metrics(in: vu.context.recorder)
        m.requests += 1
        m.bytesReceived += bytesReceived + r.carriedReceived
        m.bytesSent += bytesSent + r.carriedSent
        m.recordDuration(durationNs, service: serviceNs)
        m.blocked.recordMicroseconds(blockedUs)
        m.connecting.recordMicroseconds(connectingUs)
        m.tlsHandshaking.recordMicroseconds(tlsUs)
        m.waiting.recordMicroseconds(waitingUs)
        m.receiving.recordMicroseconds(receivingUs)
        m.statuses[status, default: 0] += 1
        if let grpcStatus { m.grpcStatuses[grpcStatus.rawValue, default: 0] += 1 }
        if let error {
            m.failures += 1
            if var tally = m.errors[error.errorClass] {
                tally.count += 1
                m.errors[error.errorClass] = tally
            } else {
                m.errors[error.errorClass] = ErrorTally(count: 1, sample: error.message)
            }
        }

        var timings = Timings()
        timings.blockedUs = blockedUs
        timings.connectingUs = connectingUs
        timings.tlsUs = tlsUs
        timings.waitingUs = waitingUs
        timings.receivingUs = receivingUs
        timings.durationNs = durationNs
        timings.serviceNs = serviceNs
        return (timings, error)
    }
}

extension TransferOutcome {
    /// What an HTTP/2 stream brought back.
    init(_ s: H2Stream) {
        self.init()
        status = s.status
        httpVersion = s.status > 0 ? "2" : ""
        headerBytes = s.rawHeaders
        body = s.body
        bodySize = s.bodySize
        truncated = s.truncated
        bytesSent = s.bytesSent
        bytesReceived = s.bytesReceived
        connectingUs = s.connectingUs
        tlsUs = s.tlsUs
        if s.firstByteAt > 0 {
            waitingUs = (s.firstByteAt &- max(s.submittedAt, s.startedAt)) / 1000
            receivingUs = (s.endedAt &- s.firstByteAt) / 1000
        }
        error = s.error
    }
}
