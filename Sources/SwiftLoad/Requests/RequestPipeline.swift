import Glibc

/// The rules between a VU and the transports, applied once for every transport: a script's
/// `Request` becomes a `PreparedRequest` (header policy, body retention, the time left, the
/// resolved address), goes to the transport the test chose, and its `TransferOutcome` is
/// followed (redirects, cookies), decoded (gzip, deflate) and recorded, once, here.
///
/// One per VU, on the VU's worker thread. It owns the VU's transports: the built-in HTTP/1.1
/// client (`http://` and `https://`), a libcurl handle, and a channel to the worker's HTTP/2
/// connections (HTTP and gRPC).
final class RequestPipeline {
    // unowned(unsafe): the VU owns its pipeline (`VU.pipeline`) and nothing else holds one, so
    // the VU outlives it; the checked form cost a retain and a release at each of ~8 uses per
    // request (about 400 instructions, callgrind).
    private unowned(unsafe) let vu: VU
    private let context: WorkerContext
    private var settings: HTTPSettings { context.http }

    private var http1Client: HTTP1Client?
    private var curlConnection: CurlConnection?
    private var h2Channel: H2Channel?
    /// The transport waiting for an answer now, so a stop can interrupt it.
    private var inFlight: RequestTransport?

    // One-entry caches: most iterations send what they sent last time.
    // The two caches read on every request are immutable objects: reading one is one reference
    // count, where a tuple of strings and collections was copied out field by field (~300
    // instructions per request with the copy's destruction, callgrind).
    private var lastPrepared: PreparedEntry?
    private var serial: UInt64 = 0
    private var lastEndpoint: (host: String, port: Int, address: SocketAddress)?
    private var lastTarget: (url: String, target: HTTPTarget)?
    private var seriesCache: SeriesEntry?
    /// The scheme, host and port the last request went to, as its URL spells them.
    private var lastOrigin = ""
    private var lastNotedURL = ""

    /// What a prepared request is made from (besides the time left and the body limit). A class
    /// with constant fields, so `matches` reads them in place: as a struct it was copied out of
    /// the cache entry and destroyed again on every request (~330 instructions).
    private final class PreparedKey {
        let method: HTTPMethod
        let url: String
        let headers: HTTPHeaders
        let body: Body
        let cookie: String?

        init(method: HTTPMethod, url: String, headers: HTTPHeaders, body: Body, cookie: String?) {
            self.method = method; self.url = url; self.headers = headers; self.body = body; self.cookie = cookie
        }

        /// Whether `request` sent to `url` with `cookie` would be prepared the same way, compared
        /// in place (no key is built for the common case, a request sent again).
        func matches(_ request: Request, url: String, cookie: String?) -> Bool {
            method == request.method && self.url == url && headers == request.headers && body == request.body
                && self.cookie == cookie
        }
    }

    private final class PreparedEntry {
        let key: PreparedKey
        let request: PreparedRequest
        init(_ key: PreparedKey, _ request: PreparedRequest) { self.key = key; self.request = request }
    }

    private final class SeriesEntry {
        let name: String
        let tags: [String: String]
        let group: String
        let slot: SeriesSlot
        init(_ name: String, _ tags: [String: String], _ group: String, _ slot: SeriesSlot) {
            self.name = name; self.tags = tags; self.group = group; self.slot = slot
        }
    }

    init(vu: VU, context: WorkerContext) {
        self.vu = vu
        self.context = context
    }

    // MARK: HTTP

    /// Sends `request` and everything its redirects ask for; records it as one request.
    nonisolated(nonsending) func perform(_ request: Request) async throws -> Response {
        let url = Self.resolve(request.fullURL, against: settings.baseURL)
        noteTarget(url)
        let recording = start(name: request.metricName, tags: request.tags, url: url,
                              expected: request.expectedStatuses ?? 0...399)
        let keepLimit = (request.keepBody ?? settings.bodyRetention).limit
        let timeoutNs = request.timeout?.nanoseconds ?? settings.requestTimeoutNs
        let deadline = recording.actualStart &+ timeoutNs
        var current = request, currentURL = url
        var redirects = RedirectFollower(limit: settings.maxRedirects)
        var now = recording.actualStart   // just read; a redirect reads the clock again
        while true {
            try vu.checkRunning()
            var outcome: TransferOutcome
            if now >= deadline {
                outcome = .failed(RequestError(.timeout, "no complete response within \(timeoutNs / 1_000_000) ms"), at: now)
            } else {
                outcome = try await exchange(current, url: currentURL, keepLimit: keepLimit, timeoutNs: deadline - now)
            }
            if vu.cookies.isEnabled, let host = target(currentURL)?.host {
                vu.cookies.store(HTTPHeaders.parse(raw: outcome.headerBytes).values(for: "Set-Cookie"), from: host)
            }
            guard let next = redirects.next(after: current, url: currentURL, &outcome) else {
                return finish(consume outcome, consume recording, keepLimit: keepLimit, account: request.streamAccount)
            }
            (current, currentURL) = next
            now = MonotonicClock.now()
        }
    }

    /// A relative URL (`/items/1`, `items/1`) under the base URL (`Options.baseURL`, `--env
    /// BASE_URL`); absolute ones, and any URL when there is no base, as they are.
    static func resolve(_ url: String, against base: String?) -> String {
        guard let base, !base.isEmpty, !url.contains("://") else { return url }
        let b = base.hasSuffix("/") ? String(base.dropLast()) : base
        return url.hasPrefix("/") ? b + url : b + "/" + url
    }

    /// One hop: prepared, resolved and sent on the test's transport.
    @inline(__always)   // one async frame and one executor switch fewer per request
    nonisolated(nonsending) private func exchange(_ request: Request, url: String, keepLimit: Int,
                                                  timeoutNs: UInt64) async throws -> TransferOutcome {
        var prepared: PreparedRequest
        var blockedNs: UInt64 = 0
        let cookie = cookieHeader(url)
        if let last = lastPrepared, last.key.matches(request, url: url, cookie: cookie) {
            // Sent before: no await (and no async frame) for what the cache answers.
            prepared = last.request
        } else {
            let key = PreparedKey(method: request.method, url: url, headers: request.headers, body: request.body, cookie: cookie)
            switch await prepare(request, url: url, key: key) {
            case .failure(let error): return .failed(error)
            case .success(let (p, waited)): prepared = p; blockedNs = waited
            }
        }
        prepared.keepLimit = keepLimit
        prepared.timeoutNs = timeoutNs
        prepared.bodyObserver = request.bodyObserver
        defer { inFlight = nil }
        var outcome: TransferOutcome
        do {
            // Each transport is called as its own type, not through `RequestTransport`: a call
            // through a protocol (or a closure) is opaque to the compiler, which then switches
            // back to the caller's executor after it returns, and with the worker's task
            // executor preference each switch takes the task's status lock (~290 instructions).
            switch settings.transport {
            case .automatic:
                let t = http1()
                inFlight = t
                outcome = try await t.exchange(prepared)
            case .libcurl:
                let t = curl()
                inFlight = t
                outcome = try await t.exchange(prepared)
            case .http2:
                let t = h2()
                inFlight = t
                outcome = try await t.exchange(prepared)
            }
        } catch {
            context.recorder.interruptedRequests += 1
            throw error
        }
        outcome.blockedUs += blockedNs / 1000
        return outcome
    }

    /// The VU's built-in HTTP/1.1 client (`http://` and `https://` by default).
    private func http1() -> HTTP1Client {
        if let c = http1Client { return c }
        let c = HTTP1Client(driver: context.sockets)
        http1Client = c
        return c
    }

    /// The VU's libcurl handle (`transport: .libcurl`).
    private func curl() -> CurlConnection {
        if let c = curlConnection { return c }
        let c = CurlConnection(multi: context.curl, settings: settings)
        curlConnection = c
        return c
    }

    /// The VU's channel to the worker's HTTP/2 connections (HTTP with `transport: .http2`, gRPC).
    func h2() -> H2Channel {
        if let c = h2Channel { return c }
        let c = H2Channel(client: context.h2)
        h2Channel = c
        return c
    }

    /// The `Cookie` field the VU's jar holds for `url`'s host, when cookies are on.
    private func cookieHeader(_ url: String) -> String? {
        guard vu.cookies.isEnabled, let host = target(url)?.host else { return nil }
        return vu.cookies.header(for: host)
    }

    /// `request` made ready for a transport, and the nanoseconds spent waiting for its name.
    nonisolated(nonsending) private func prepare(_ request: Request, url: String, key: PreparedKey) async -> Result<(PreparedRequest, UInt64), RequestError> {
        let cookie = key.cookie
        guard let target = target(url) else { return .failure(RequestError(.protocolError, "malformed URL: \(URLCredentials.masked(url))")) }
        let policy = HeaderPolicy.fields(request.headers, bodyCount: request.body.bytes.count,
                                         contentType: request.body.contentType, cookie: cookie,
                                         authorization: target.userinfo.map(URLCredentials.basicAuthorization),
                                         userAgent: settings.userAgent)
        let fields: [PreparedRequest.Field], host: String?
        switch policy {
        case .failure(let error): return .failure(error)
        case .success(let f): (fields, host) = f
        }
        let address: SocketAddress, waited: UInt64
        switch await resolve(target) {
        case .failure(let error): return .failure(error)
        case .success(let r): (address, waited) = r
        }
        serial &+= 1
        let p = PreparedRequest(
            serial: serial, method: request.method.rawValue, isHead: request.method == .head,
            sendsLength: !request.body.bytes.isEmpty || request.method.expectsBody,
            url: target.userinfo == nil ? url : URLCredentials.removed(from: url), target: target,
            authority: host ?? target.hostHeader, fields: fields,
            body: request.body.bytes, address: address, keepLimit: 0, timeoutNs: 0)
        lastPrepared = PreparedEntry(key, p)
        return .success((p, waited))
    }

    /// The outcome decoded, recorded and handed to the script.
    private func finish(_ outcome: consuming TransferOutcome, _ recording: consuming RequestRecording, keepLimit: Int,
                        account: (any StreamAccount)?) -> Response {
        var o = outcome   // moved, not copied
        ContentDecoding.decode(&o, limit: keepLimit)
        let (timings, error) = recording.record(o, in: context.recorder)
        account?.account(into: recording.series.metrics(in: context.recorder), intendedStart: recording.intendedStart,
                         endedAt: o.endedAt, failed: error != nil, body: o.body)
        // Moved out, not copied: the outcome is destroyed when this returns.
        var headerBytes: [UInt8] = [], body: [UInt8] = []
        swap(&headerBytes, &o.headerBytes)
        swap(&body, &o.body)
        return Response(name: recording.name, url: recording.url, status: o.status, httpVersion: o.httpVersion,
                        rawHeaders: headerBytes, body: body, bodySize: o.bodySize, bodyTruncated: o.truncated,
                        timings: timings, error: error)
    }

    // MARK: recording

    /// A request named `name` starting now: its series and its intended start (for an
    /// open-model iteration's first request, now less the iteration's start lag).
    func start(name: String, tags: [String: String], url: String, expected: ClosedRange<Int>) -> RequestRecording {
        let now = MonotonicClock.now()
        return RequestRecording(series: series(name: name, tags: tags, url: url), url: url,
                                intendedStart: vu.takeIntendedStart(now: now), actualStart: now,
                                expectedStatuses: expected)
    }

    /// Records a request (or gRPC call) that ended with `outcome`, and a streaming call's
    /// message arrivals (`stream_*`) in the same series and interval.
    func record(_ outcome: TransferOutcome, _ recording: RequestRecording, messageArrivals: [UInt64]? = nil) -> (Timings, RequestError?) {
        let r = recording.record(outcome, in: context.recorder)
        if let messageArrivals {
            EventStreamCollector.account(arrivals: messageArrivals, into: recording.series.metrics(in: context.recorder),
                                         intendedStart: recording.intendedStart)
        }
        return r
    }

    /// The series a request named `name` with `tags` belongs to (cached: most iterations repeat
    /// the last request's name, group and tags).
    private func series(name: String, tags: [String: String], url: String) -> SeriesSlot {
        let group = vu.groupPath
        if let c = seriesCache, c.name == name, c.group == group, (tags.isEmpty && c.tags.isEmpty) || c.tags == tags {
            return c.slot
        }
        let recorded = context.recordedName(name, url: url)
        let slot = SeriesSlot(SeriesKey(name: recorded, group: group, scenario: vu.scenario,
                                        tags: SeriesKey.tags(vu.scenarioTags, tags)))
        seriesCache = SeriesEntry(name, tags, group, slot)
        return slot
    }

    /// `url` taken apart, remembered for the next request to the same URL.
    func target(_ url: String) -> HTTPTarget? {
        if let t = lastTarget, t.url == url { return t.target }
        let parsed = lastTarget.flatMap { HTTPTarget.sameOrigin(url, as: $0.target, parsedFrom: $0.url) } ?? HTTPTarget(url)
        guard let t = parsed else { return nil }
        lastTarget = (url, t)
        return t
    }

    /// Records where requests go, for the report: only when the origin changes, so the cost per
    /// request is one prefix comparison.
    func noteTarget(_ url: String, grpc: Bool = false) {
        // The same URL as last time is usually the same string object: one comparison of its
        // bits, where the origin test below reads both strings' storage (~190 instructions).
        if url == lastNotedURL { return }
        lastNotedURL = url
        // Bytes, not String.hasPrefix (which compares Unicode-aware); the byte after the origin
        // must end it, so http://host:80 is not taken for http://host:8080.
        let same = url.utf8.withContiguousStorageIfAvailable { u in
            lastOrigin.utf8.withContiguousStorageIfAvailable { o -> Bool in
                guard !o.isEmpty, u.count >= o.count, memcmp(u.baseAddress!, o.baseAddress!, o.count) == 0 else { return false }
                return u.count == o.count || u[o.count] == UInt8(ascii: "/") || u[o.count] == UInt8(ascii: "?")
            } ?? false
        } ?? false
        if same { return }
        let origin = Self.origin(of: url)
        lastOrigin = origin
        var shown = URLCredentials.removed(from: origin)
        if grpc {
            if shown.hasPrefix("https://") { shown = "grpcs://" + shown.dropFirst(8) }
            else if shown.hasPrefix("http://") { shown = "grpc://" + shown.dropFirst(7) }
        }
        context.recorder.targets.insert(shown)
    }

    /// `scheme://authority` of `url` (the whole string when it has no path).
    static func origin(of url: String) -> String {
        guard let (_, authorityEnd, _) = HTTPTarget.layout(Array(url.utf8)) else { return url }
        return String(decoding: url.utf8.prefix(authorityEnd), as: UTF8.self)
    }

    /// The address for `target` and the nanoseconds spent waiting for it: the last endpoint's
    /// without asking, otherwise from the worker's resolver (off the loop, kept for the run).
    nonisolated(nonsending) func resolve(_ target: HTTPTarget) async -> Result<(SocketAddress, UInt64), RequestError> {
        if let e = lastEndpoint, e.port == target.port, e.host == target.host { return .success((e.address, 0)) }
        let r = await context.sockets.resolver.resolve(host: target.host, port: target.port)
        if case .success(let (a, _)) = r { lastEndpoint = (target.host, target.port, a) }
        return r
    }

    // MARK: gRPC

    private var grpcBlock: (url: String, metadata: HTTPHeaders, timeout: String?, block: H2HeaderBlock)?

    /// The header block of a gRPC call, from the one-entry cache or built by `make`.
    func grpcHeaderBlock(url: String, metadata: HTTPHeaders, timeout: String?, _ make: () -> H2HeaderBlock) -> H2HeaderBlock {
        if let c = grpcBlock, c.url == url, c.timeout == timeout, c.metadata == metadata { return c.block }
        let block = make()
        grpcBlock = (url, metadata, timeout, block)
        return block
    }

    /// Sends a gRPC call's stream on the VU's HTTP/2 channel. Throws only `Interrupted`.
    nonisolated(nonsending) func sendGRPC(_ request: H2Stream.Request, target: HTTPTarget, address: SocketAddress,
                                          keepLimit: Int, messageLimit: Int, timeoutNs: UInt64,
                                          tracksMessages: Bool = false) async throws -> H2Stream {
        let channel = h2()
        inFlight = channel
        defer { inFlight = nil }
        do {
            return try await channel.send(request, target: target, address: address, keepLimit: keepLimit,
                                          messageLimit: messageLimit, timeoutNs: timeoutNs, tracksMessages: tracksMessages)
        } catch {
            context.recorder.interruptedRequests += 1
            throw error
        }
    }

    // MARK: stopping

    /// The run is stopping: the exchange in flight throws `Interrupted`.
    func interrupt() {
        inFlight?.cancel()
    }

    /// Frees the VU's connections at the end of the run.
    func close() {
        curlConnection?.close()
        curlConnection = nil
        http1Client?.close()
        http1Client = nil
        h2Channel?.close()
        h2Channel = nil
    }
}
