/// One request as the metrics see it, from its first send to its last byte (a redirect chain is
/// one request): which series it counts in and when it started. Every request and gRPC call is
/// recorded here, once, whichever transport carried it.
struct RequestRecording {
    var series: SeriesSlot
    var url: String
    /// When the request should have started: the open model's schedule for an iteration's
    /// first request, otherwise `actualStart`.
    var intendedStart: UInt64
    var actualStart: UInt64
    var expectedStatuses: ClosedRange<Int>

    var name: String { series.key.name }

    /// Records `o` in `recorder`; returns its timings and the error it counts as (an unexpected
    /// HTTP status becomes one here).
    func record(_ o: TransferOutcome, in recorder: Recorder) -> (Timings, RequestError?) {
        var error = o.error
        if error == nil && !expectedStatuses.contains(o.status) {
            error = RequestError(.httpStatus, "HTTP \(o.status)")
        }
        let end = o.endedAt
        let durationNs = end &- intendedStart
        let serviceNs = end &- actualStart

        let m = series.metrics(in: recorder)
        m.requests += 1
        m.bytesReceived += o.bytesReceived
        m.bytesSent += o.bytesSent
        m.recordDuration(durationNs, service: serviceNs)
        m.blocked.recordMicroseconds(o.blockedUs)
        m.connecting.recordMicroseconds(o.connectingUs)
        m.tlsHandshaking.recordMicroseconds(o.tlsUs)
        m.waiting.recordMicroseconds(o.waitingUs)
        m.receiving.recordMicroseconds(o.receivingUs)
        m.statuses.add(o.status)
        if let grpcStatus = o.grpcStatus { m.grpcStatuses.add(grpcStatus.rawValue) }
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
        timings.blockedUs = o.blockedUs
        timings.connectingUs = o.connectingUs
        timings.tlsUs = o.tlsUs
        timings.waitingUs = o.waitingUs
        timings.receivingUs = o.receivingUs
        timings.durationNs = durationNs
        timings.serviceNs = serviceNs
        return (timings, error)
    }
}
