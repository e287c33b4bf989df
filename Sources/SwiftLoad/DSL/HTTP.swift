/// The HTTP client of one VU (`vu.http`). Every call returns a `Response`, also when the request
/// failed (status 0 and `error` set); calls throw only `Interrupted` when the run stops.
public struct HTTP {
    let vu: VU

    // Inlined into `get`, `post` and the rest: one async frame per request fewer (a task
    // allocation, its release and a resumption, ~200 instructions, callgrind).
    /// Sends any request.
    @discardableResult @inline(__always)
    nonisolated(nonsending) public func request(_ request: Request) async throws -> Response {
        try vu.checkRunning()
        return try await vu.perform(request)
    }

    @discardableResult
    nonisolated(nonsending) public func get(_ url: String, query: KeyValuePairs<String, String> = [:], headers: HTTPHeaders = [:],
                    name: String? = nil, tags: [String: String] = [:], timeout: Duration? = nil,
                    keepBody: BodyRetention? = nil) async throws -> Response {
        try await send(.get, url, query: query, headers: headers,
                       name: name, timeout: timeout, keepBody: keepBody, tags: tags)
    }

    @discardableResult
    nonisolated(nonsending) public func head(_ url: String, query: KeyValuePairs<String, String> = [:], headers: HTTPHeaders = [:],
                     name: String? = nil, tags: [String: String] = [:], timeout: Duration? = nil) async throws -> Response {
        try await send(.head, url, query: query, headers: headers, name: name, timeout: timeout, tags: tags)
    }

    @discardableResult
    nonisolated(nonsending) public func post(_ url: String, body: Body = .empty, query: KeyValuePairs<String, String> = [:],
                     headers: HTTPHeaders = [:], name: String? = nil, tags: [String: String] = [:], timeout: Duration? = nil,
                     keepBody: BodyRetention? = nil) async throws -> Response {
        try await send(.post, url, query: query, headers: headers, body: body,
                       name: name, timeout: timeout, keepBody: keepBody, tags: tags)
    }

    /// POSTs `value` encoded as JSON.
    @discardableResult
    public func post<T: Encodable>(_ url: String, json value: T, query: KeyValuePairs<String, String> = [:],
                                   headers: HTTPHeaders = [:], name: String? = nil, tags: [String: String] = [:], timeout: Duration? = nil,
                                   keepBody: BodyRetention? = nil) async throws -> Response {
        try await post(url, body: try .json(value), query: query, headers: headers, name: name, tags: tags,
                       timeout: timeout, keepBody: keepBody)
    }

    @discardableResult
    nonisolated(nonsending) public func put(_ url: String, body: Body = .empty, query: KeyValuePairs<String, String> = [:],
                    headers: HTTPHeaders = [:], name: String? = nil, tags: [String: String] = [:], timeout: Duration? = nil,
                    keepBody: BodyRetention? = nil) async throws -> Response {
        try await send(.put, url, query: query, headers: headers, body: body,
                       name: name, timeout: timeout, keepBody: keepBody, tags: tags)
    }

    @discardableResult
    nonisolated(nonsending) public func patch(_ url: String, body: Body = .empty, query: KeyValuePairs<String, String> = [:],
                      headers: HTTPHeaders = [:], name: String? = nil, tags: [String: String] = [:], timeout: Duration? = nil,
                      keepBody: BodyRetention? = nil) async throws -> Response {
        try await send(.patch, url, query: query, headers: headers, body: body,
                       name: name, timeout: timeout, keepBody: keepBody, tags: tags)
    }

    @discardableResult
    nonisolated(nonsending) public func delete(_ url: String, body: Body = .empty, query: KeyValuePairs<String, String> = [:],
                       headers: HTTPHeaders = [:], name: String? = nil, tags: [String: String] = [:], timeout: Duration? = nil,
                       keepBody: BodyRetention? = nil) async throws -> Response {
        try await send(.delete, url, query: query, headers: headers, body: body,
                       name: name, timeout: timeout, keepBody: keepBody, tags: tags)
    }

    /// Builds the request in the VU's spare box (see `Request.refill`) and sends it. The box is
    /// kept for the next request without its body: a VU holds no payload between requests.
    @inline(__always)
    nonisolated(nonsending) private func send(_ method: HTTPMethod, _ url: String, query: KeyValuePairs<String, String>,
                                              headers: HTTPHeaders, body: Body = .empty, name: String?, timeout: Duration?,
                                              keepBody: BodyRetention? = nil, tags: [String: String]) async throws -> Response {
        var r = vu.spareRequest.take() ?? Request(url: url)
        r.refill(method: method, url: url, query: pairs(query), headers: headers, body: body, name: name,
                 timeout: timeout, keepBody: keepBody, tags: tags)
        defer { if r.releaseBodyForReuse() { vu.spareRequest = r } }
        return try await request(r)
    }

    private func pairs(_ kv: KeyValuePairs<String, String>) -> [(name: String, value: String)] {
        kv.isEmpty ? [] : kv.map { (name: $0.key, value: $0.value) }
    }
}
