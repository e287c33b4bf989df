/// What `vu.http.sse(…)` returns: the request's response (status, headers, timings, error) and
/// the server-sent events of its body, each with when it arrived.
public struct EventStream: Sendable {
    /// The request as every request is: recorded under its name, `http_req_duration` covering the
    /// whole stream.
    public let response: Response
    /// Every event dispatched, in order (none unless the status was 2xx).
    public let events: [SSEEvent]
    /// Comment lines the server sent (keep-alives).
    public let comments: Int

    /// From sending the request to the first event.
    public var timeToFirstEvent: Duration? { events.first?.receivedAfter }

    /// The gaps between consecutive events' arrivals.
    public var gaps: [Duration] {
        zip(events.dropFirst(), events).map { $0.receivedAfter - $1.receivedAfter }
    }
}

/// Feeds a 2xx body to the event-stream parser as it arrives and stamps each event with its
/// arrival; other statuses (a redirect hop, an error page) are not an event stream. When the call
/// is recorded it adds `stream_messages`, `stream_first_message` and `stream_message_gap`.
final class EventStreamCollector: StreamAccount, @unchecked Sendable {
    // @unchecked: used by one VU, on its worker thread.
    private var parser = SSEParser()
    private(set) var events: [SSEEvent] = []
    /// Monotonic arrival of each event (several events of one read share one).
    private(set) var arrivals: [UInt64] = []
    private let start: UInt64
    var onEvent: ((SSEEvent) -> Void)?
    private var status = 0

    init(start: UInt64, onEvent: ((SSEEvent) -> Void)?) {
        self.start = start
        self.onEvent = onEvent
    }

    var comments: Int { parser.comments }

    func received(status: Int, bytes: UnsafeRawBufferPointer) {
        if status != self.status {
            // A new hop (a redirect followed): its body starts a new stream.
            self.status = status
            parser = SSEParser()
        }
        guard (200..<300).contains(status) else { return }
        let batch = parser.feed(bytes)
        guard !batch.isEmpty else { return }
        let now = MonotonicClock.now()
        let at = Duration(nanoseconds: now &- start)
        for var e in batch {
            e.receivedAfter = at
            events.append(e)
            arrivals.append(now)
            onEvent?(e)
        }
    }

    func account(into metrics: RequestMetrics, intendedStart: UInt64, endedAt: UInt64, failed: Bool, body: [UInt8]) {
        Self.account(arrivals: arrivals, into: metrics, intendedStart: intendedStart)
    }

    /// A stream's messages in its series: their count, the first one's time from the intended
    /// start, and the gaps between them.
    static func account(arrivals: [UInt64], into metrics: RequestMetrics, intendedStart: UInt64) {
        guard let first = arrivals.first else { return }
        let s = metrics.streamMetrics
        s.messages += arrivals.count
        s.record(.firstMessage, nanoseconds: first &- min(first, intendedStart))
        var previous = first
        for a in arrivals.dropFirst() {
            s.record(.messageGap, nanoseconds: a &- previous)
            previous = a
        }
    }
}
