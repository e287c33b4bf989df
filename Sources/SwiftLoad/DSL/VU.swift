import Glibc

/// Thrown by every request and sleep once the run is stopping and the iteration's grace period
/// is over (or on Ctrl-C). Let it propagate: the iteration is counted as interrupted, not failed.
public struct Interrupted: Error, Sendable, CustomStringConvertible {
    public var description: String { "the run is stopping; the iteration was interrupted" }
}

/// A virtual user: the handle an iteration uses to make requests, record checks and sleep.
///
/// A VU belongs to one worker thread and all its code runs there, so it needs no locks. Its
/// keep-alive connection(s) persist across iterations.
public final class VU: @unchecked Sendable {
    // @unchecked: a VU is created on its worker's thread and only ever used there; it crosses
    // into its task's closure once, on that same thread.

    /// Unique across the whole test, starting at 1.
    public let id: Int
    /// The scenario this VU runs.
    public let scenario: String
    /// This VU's iteration counter: 0 during its first iteration.
    public internal(set) var iteration: Int = -1
    /// Environment variables (process environment plus `--env`).
    public var env: Environment { context.env }
    /// HTTP requests made through this VU are timed, counted and grouped by name.
    public var http: HTTP { HTTP(vu: self) }

    let context: WorkerContext
    /// Open model: how late the current iteration started against its schedule (ns), charged to
    /// its first request and then cleared. Only the start lag, never the script's own sleeps,
    /// think time or work before that request.
    var pendingStartLag: UInt64?
    /// Set when the VU's iteration must stop: every later request or sleep of that iteration
    /// throws `Interrupted`. Cleared when the VU starts another iteration (after a ramp-down).
    private(set) var isInterrupted = false

    /// A new iteration begins: an earlier interruption no longer applies.
    func beginIteration() {
        isInterrupted = false
        iteration += 1
    }
    /// A redirect chain moving from the built-in client to libcurl (consumed by the next request).
    var chain: RedirectChain?
    private var curlConnection: CurlConnection?
    private var http1Client: HTTP1Client?
    /// The HTTP/2 stream this VU waits for, so a stop can interrupt it.
    var h2InFlight: H2Stream?
    /// The header block of the last HTTP/2 request, reused when the next one is the same.
    private var h2Block: (key: H2BlockKey, block: H2HeaderBlock)?

    private var lastTarget: (url: String, target: HTTPTarget)?

    /// `url` taken apart, remembered for the next request to the same URL.
    func target(_ url: String) -> HTTPTarget? {
        if let t = lastTarget, t.url == url { return t.target }
        guard let t = HTTPTarget(url) else { return nil }
        lastTarget = (url, t)
        return t
    }

    /// What an HTTP/2 header block is built from.
    struct H2BlockKey: Equatable {
        var method: HTTPMethod
        var url: String
        var headers: HTTPHeaders
        var contentType: String?
    }

    /// The header block for `key`, from the one-entry cache or built by `make`.
    func h2HeaderBlock(_ key: H2BlockKey, _ make: () -> H2HeaderBlock) -> H2HeaderBlock {
        if let cached = h2Block, cached.key == key { return cached.block }
        let block = make()
        h2Block = (key, block)
        return block
    }
    private var sleepContinuation: UnsafeContinuation<Void, any Error>?
    private var sleepToken: UInt64 = 0

    /// Tags of the VU's scenario, added to everything it records.
    let scenarioTags: [String: String]
    /// The group path the VU is in (`login::submit`), empty outside groups.
    var groupPath = ""
    /// Per-VU state that persists across iterations (a token, a cart, a counter).
    public var state: [String: any Sendable] = [:]
    /// What the test's `setup` returned.
    public internal(set) var setupData = SetupData(nil)
    /// This VU's cookie jar; off unless `Options.cookies` or `cookies.isEnabled = true`.
    public let cookies: CookieJar
    /// A fast random number generator of this VU's own (for think times, data choices).
    public var random: VURandom
    /// When the current iteration started (its scheduled start in open models).
    var iterationStart: UInt64 = 0
    private var seriesCache: (name: String, tags: [String: String], group: String, slot: SeriesSlot)?

    init(id: Int, scenario: String, tags: [String: String] = [:], context: WorkerContext) {
        self.id = id
        self.scenario = scenario
        self.scenarioTags = tags
        self.context = context
        cookies = CookieJar(enabled: context.http.cookies)
        random = VURandom(seed: UInt64(id) &* 0x9E37_79B9_7F4A_7C15 ^ MonotonicClock.now())
    }

    /// Records a named check on `value`. A failing check is counted, never thrown: the iteration
    /// goes on. A predicate that throws counts as failed.
    @discardableResult
    public func check<T>(_ value: T, _ name: String, _ predicate: (T) throws -> Bool) -> Bool {
        let passed = (try? predicate(value)) ?? false
        context.recorder.recordCheck(CheckKey(name: name, group: groupPath, scenario: scenario), passed: passed)
        return passed
    }

    /// The series a request named `name` with `tags` belongs to (cached: most iterations repeat
    /// the last request's name, group and tags).
    func series(name: String, tags: [String: String], url: String) -> SeriesSlot {
        if let c = seriesCache, c.name == name, c.group == groupPath, (tags.isEmpty && c.tags.isEmpty) || c.tags == tags {
            return c.slot
        }
        let recorded = context.recordedName(name, url: url)
        let slot = SeriesSlot(SeriesKey(name: recorded, group: groupPath, scenario: scenario, tags: SeriesKey.tags(scenarioTags, tags)))
        seriesCache = (name, tags, groupPath, slot)
        return slot
    }

    /// Records several named checks on `value`; true when all passed.
    @discardableResult
    public func check<T>(_ value: T, _ checks: KeyValuePairs<String, (T) throws -> Bool>) -> Bool {
        var all = true
        for (name, predicate) in checks where !check(value, name, predicate) { all = false }
        return all
    }

    /// Pauses this VU (think time) without blocking its worker.
    nonisolated(nonsending) public func sleep(_ duration: Duration) async throws {
        try checkRunning()
        let ns = duration.nanoseconds
        guard ns > 0 else { return }
        try await withUnsafeThrowingContinuation { (c: UnsafeContinuation<Void, any Error>) in
            sleepToken &+= 1
            sleepContinuation = c
            context.loop.schedule(at: MonotonicClock.now() &+ ns, target: self, token: sleepToken)
        }
    }

    /// The scheme, host and port the last request went to, as its URL spells them.
    private var lastOrigin = ""

    /// Records where requests go, for the report: only when the origin changes, so the cost per
    /// request is one prefix comparison.
    func noteTarget(_ url: String, grpc: Bool = false) {
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
        var shown = origin
        if grpc {
            if shown.hasPrefix("https://") { shown = "grpcs://" + shown.dropFirst(8) }
            else if shown.hasPrefix("http://") { shown = "grpc://" + shown.dropFirst(7) }
        }
        context.recorder.targets.insert(shown)
    }

    /// `scheme://authority` of `url` (the whole string when it has no path).
    static func origin(of url: String) -> String {
        guard let sep = url.range(of: "://") else { return url }
        let rest = url[sep.upperBound...]
        let end = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        return String(url[..<end])
    }

    func checkRunning() throws {
        if isInterrupted { throw Interrupted() }
    }

    /// Sends `request` with the transport its URL calls for: the built-in HTTP/1.1 client for
    /// `http://` (unless the test asks for libcurl), libcurl otherwise.
    nonisolated(nonsending) func perform(_ request: Request) async throws -> Response {
        let url = request.fullURL
        noteTarget(url)
        if cookies.isEnabled {
            return try await performWithCookies(request, url: url)
        }
        return try await send(request, url: url)
    }

    /// Sends `request` with the VU's cookies for its host, and keeps the cookies it sets.
    nonisolated(nonsending) private func performWithCookies(_ request: Request, url: String) async throws -> Response {
        var r = request
        let host = target(url)?.host ?? ""
        if let header = cookies.header(for: host) { r.headers.set("Cookie", header) }
        let response = try await send(r, url: url)
        cookies.store(response.headers.values(for: "Set-Cookie"), from: host)
        return response
    }

    nonisolated(nonsending) private func send(_ request: Request, url: String) async throws -> Response {
        if context.http.transport == .http2 {
            return try await performHTTP2(request, url: url)
        }
        if context.http.transport == .automatic, Self.isCleartextHTTP(url) {
            let client: HTTP1Client
            if let c = http1Client {
                client = c
            } else {
                client = HTTP1Client(vu: self, driver: context.sockets)
                http1Client = client
            }
            return try await client.perform(request, url: url)
        }
        return try await sendOverLibcurl(request, url: url)
    }

    /// Sends `request` through the VU's libcurl handle.
    nonisolated(nonsending) func sendOverLibcurl(_ request: Request, url: String) async throws -> Response {
        let c: CurlConnection
        if let existing = curlConnection {
            c = existing
        } else {
            c = CurlConnection(vu: self, multi: context.curl, settings: context.http)
            curlConnection = c
        }
        return try await c.perform(request, url: url)
    }

    /// An HTTP request as an HTTP/2 stream (h2c with prior knowledge, or TLS with ALPN),
    /// following redirects by `RedirectPolicy` (every hop over HTTP/2), recorded as one request.
    nonisolated(nonsending) private func performHTTP2(_ request: Request, url: String) async throws -> Response {
        let inFlight = RequestInFlight(request, url: url, vu: self)
        var current = request, currentURL = url
        var chain = RedirectFollower(limit: context.http.maxRedirects)
        while true {
            guard let target = target(currentURL) else {
                var o = TransferOutcome()
                o.error = RequestError(.protocolError, "malformed URL: \(currentURL)")
                return o.complete(inFlight, end: MonotonicClock.now(), vu: self)
            }
            let stream = try await exchangeHTTP2(current, url: currentURL, target: target)
            var outcome = TransferOutcome(stream)
            guard let next = chain.next(after: current, url: currentURL, &outcome) else {
                return outcome.complete(inFlight, end: stream.endedAt, vu: self)
            }
            (current, currentURL) = next
        }
    }

    /// One HTTP/2 exchange (no redirects).
    nonisolated(nonsending) private func exchangeHTTP2(_ request: Request, url: String, target: HTTPTarget) async throws -> H2Stream {
        let contentType = request.body.bytes.isEmpty ? nil : request.body.contentType
        let key = H2BlockKey(method: request.method, url: url, headers: request.headers, contentType: contentType)
        let block = h2HeaderBlock(key) {
            var fields: [(String, String)] = []
            var hasUserAgent = false, hasContentType = false
            for f in request.headers {
                let name = f.name.lowercased()
                switch name {
                case "host", "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "content-length":
                    continue   // connection-specific or framing: HTTP/2 has its own
                case "user-agent": hasUserAgent = true
                case "content-type": hasContentType = true
                default: break
                }
                fields.append((name, f.value))
            }
            if !hasUserAgent { fields.append(("user-agent", context.http.userAgent)) }
            if let contentType, !hasContentType { fields.append(("content-type", contentType)) }
            return H2HeaderBlock(method: request.method.rawValue, scheme: target.scheme, authority: target.hostHeader,
                                 path: target.requestTarget, fields: fields)
        }
        let h2Request = H2Stream.Request(headers: block, body: request.body.bytes)
        return try await context.h2.exchange(
            h2Request, target: target, vu: self,
            keepLimit: (request.keepBody ?? context.http.bodyRetention).limit, messageLimit: nil,
            timeoutNs: request.timeout?.nanoseconds ?? context.http.requestTimeoutNs)
    }

    private static func isCleartextHTTP(_ url: String) -> Bool {
        var it = url.utf8.makeIterator()
        for expected in "http://".utf8 {
            guard let b = it.next(), b | 0x20 == expected | 0x20 || (b == expected) else { return false }
        }
        return true
    }

    /// The intended start of a request starting now: for an open-model iteration's first
    /// request, now less the iteration's start lag (wrk2's correction for coordinated omission,
    /// applied to the lag alone); otherwise now.
    func takeIntendedStart(now: UInt64) -> UInt64 {
        guard let lag = pendingStartLag else { return now }
        pendingStartLag = nil
        return now &- min(lag, now)
    }

    /// Stops the VU: the pending request or sleep, and every later one, throws `Interrupted`.
    func interrupt() {
        isInterrupted = true
        if let c = sleepContinuation {
            sleepContinuation = nil
            c.resume(throwing: Interrupted())
        }
        curlConnection?.cancel()
        http1Client?.cancel()
        h2InFlight?.interrupt()
    }

    /// Frees the VU's connection at the end of the run.
    func close() {
        curlConnection?.close()
        curlConnection = nil
        http1Client?.close()
        http1Client = nil
    }
}

extension VU: TimerTarget {
    func timerFired(token: UInt64) {
        guard token == sleepToken, let c = sleepContinuation else { return }
        sleepContinuation = nil
        c.resume()
    }
}
