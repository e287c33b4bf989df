extension HTTP {
    /// Sends a request whose answer is a stream of server-sent events (`text/event-stream`, as
    /// OpenAI-compatible servers stream tokens) and hands each event over the moment it arrives,
    /// stamped with when (`SSEEvent.receivedAfter`, from sending the request). Works alike on every
    /// transport (the built-in HTTP/1.1 client, libcurl, HTTP/2), parsed as the HTML standard
    /// says; the body is not kept beyond `keepBody` (64 KiB by default, for error pages).
    ///
    ///     let s = try await vu.http.sse(base + "/v1/chat/completions", json: request, name: "chat")
    ///     let ttft = s.timeToFirstEvent
    ///     for e in s.events where e.data != "[DONE]" { … }
    ///
    /// The request is recorded as one request (`http_req_duration` spans the whole stream), and
    /// its events as `stream_messages`, `stream_first_message` and `stream_message_gap`.
    /// `onEvent` runs on the VU's thread as each event arrives, for a script that reacts mid-stream.
    /// `Accept: text/event-stream` is sent unless `headers` set an Accept.
    @discardableResult
    nonisolated(nonsending) public func sse(_ url: String, method: HTTPMethod = .get, body: Body = .empty,
                                            headers: HTTPHeaders = [:], name: String? = nil, tags: [String: String] = [:],
                                            timeout: Duration? = nil, keepBody: BodyRetention = .upTo(64 << 10),
                                            onEvent: ((SSEEvent) -> Void)? = nil) async throws -> EventStream {
        var h = headers
        if !h.contains("Accept") { h.set("Accept", "text/event-stream") }
        var r = Request(method: method, url: url, headers: h, body: body, name: name, timeout: timeout, keepBody: keepBody, tags: tags)
        let collector = EventStreamCollector(start: MonotonicClock.now(), onEvent: onEvent)
        r.bodyObserver = BodyObserver { collector.received(status: $0, bytes: $1) }
        r.streamAccount = collector
        let response = try await request(r)
        return EventStream(response: response, events: collector.events, comments: collector.comments)
    }

    /// POSTs `value` as JSON and reads the answer as server-sent events (see `sse(_:method:…)`).
    @discardableResult
    public func sse<T: Encodable>(_ url: String, json value: T, headers: HTTPHeaders = [:], name: String? = nil,
                                  tags: [String: String] = [:], timeout: Duration? = nil,
                                  keepBody: BodyRetention = .upTo(64 << 10),
                                  onEvent: ((SSEEvent) -> Void)? = nil) async throws -> EventStream {
        try await sse(url, method: .post, body: try .json(value), headers: headers, name: name, tags: tags, timeout: timeout,
                      keepBody: keepBody, onEvent: onEvent)
    }
}
