/// An HTTP method. Any token is allowed; the common ones have names.
public struct HTTPMethod: RawRepresentable, Sendable, Hashable, ExpressibleByStringLiteral {
    public let rawValue: String
    /// Which common method this is, so transports compare a byte, not a string, per request.
    let kind: Kind

    enum Kind: UInt8 { case get, head, post, put, patch, delete, options, other }

    public init(rawValue: String) {
        self.rawValue = rawValue.uppercased()
        switch self.rawValue {
        case "GET": kind = .get
        case "HEAD": kind = .head
        case "POST": kind = .post
        case "PUT": kind = .put
        case "PATCH": kind = .patch
        case "DELETE": kind = .delete
        case "OPTIONS": kind = .options
        default: kind = .other
        }
    }

    public init(stringLiteral value: String) { self.init(rawValue: value) }

    public static func == (a: HTTPMethod, b: HTTPMethod) -> Bool {
        a.kind == b.kind && (a.kind != .other || a.rawValue == b.rawValue)
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(rawValue) }

    /// POST, PUT and PATCH send a Content-Length even with an empty body.
    var expectsBody: Bool { kind == .post || kind == .put || kind == .patch }

    public static let get: HTTPMethod = "GET"
    public static let head: HTTPMethod = "HEAD"
    public static let post: HTTPMethod = "POST"
    public static let put: HTTPMethod = "PUT"
    public static let patch: HTTPMethod = "PATCH"
    public static let delete: HTTPMethod = "DELETE"
    public static let options: HTTPMethod = "OPTIONS"
}

/// How much of a response body to keep in memory. Every byte is counted either way.
public enum BodyRetention: Sendable, Equatable {
    /// Keep nothing: the cheapest choice when only status and timing matter.
    case none
    /// Keep up to this many bytes; longer bodies are cut and marked `bodyTruncated`.
    case upTo(Int)
    /// Keep everything, however large.
    case all

    /// The default: bodies up to 1 MiB are kept whole.
    public static let `default` = BodyRetention.upTo(1 << 20)

    var limit: Int {
        switch self {
        case .none: return 0
        case .upTo(let n): return max(0, n)
        case .all: return Int.max
        }
    }
}

/// One HTTP request, as a value. `vu.http.get(…)` and friends build these; scenarios can also
/// build one and pass it to `vu.http.request(_:)`.
public struct Request: Sendable {
    /// The fields, in one box shared by copies until one of them changes (copy on write): the
    /// engine passes a request through several async frames, and a copy is then one reference
    /// count instead of one per string, array and dictionary (about 1,000 instructions per
    /// request, measured with callgrind).
    private var storage: Storage

    private final class Storage: @unchecked Sendable {
        // Mutated only while uniquely referenced (see `unique()`), so sharing it is safe.
        var method: HTTPMethod
        var url: String
        var query: [(name: String, value: String)]
        var headers: HTTPHeaders
        var body: Body
        var name: String?
        var timeout: Duration?
        var keepBody: BodyRetention?
        var bodyObserver: BodyObserver?
        var streamAccount: (any StreamAccount)?
        var expectedStatuses: ClosedRange<Int>?
        var tags: [String: String]

        init(method: HTTPMethod, url: String, query: [(name: String, value: String)], headers: HTTPHeaders,
             body: Body, name: String?, timeout: Duration?, keepBody: BodyRetention?,
             expectedStatuses: ClosedRange<Int>?, tags: [String: String]) {
            self.method = method
            self.url = url
            self.query = query
            self.headers = headers
            self.body = body
            self.name = name
            self.timeout = timeout
            self.keepBody = keepBody
            self.expectedStatuses = expectedStatuses
            self.tags = tags
        }

        func copy() -> Storage {
            let c = Storage(method: method, url: url, query: query, headers: headers, body: body, name: name,
                            timeout: timeout, keepBody: keepBody, expectedStatuses: expectedStatuses, tags: tags)
            c.bodyObserver = bodyObserver
            c.streamAccount = streamAccount
            return c
        }
    }

    /// The box, copied first if another request shares it.
    private mutating func unique() -> Storage {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
        return storage
    }

    public var method: HTTPMethod {
        get { storage.method }
        set { unique().method = newValue }
    }
    /// The URL without the query items below (it may carry a query of its own).
    public var url: String {
        get { storage.url }
        set { unique().url = newValue }
    }
    /// Appended to `url`, percent-encoded, in order.
    public var query: [(name: String, value: String)] {
        get { storage.query }
        _modify { let s = unique(); yield &s.query }
    }
    public var headers: HTTPHeaders {
        get { storage.headers }
        _modify { let s = unique(); yield &s.headers }
    }
    public var body: Body {
        get { storage.body }
        set { unique().body = newValue }
    }
    /// The name metrics are grouped by. Defaults to the URL without its query string, so
    /// `/items?id=1` and `/items?id=2` land in one group.
    public var name: String? {
        get { storage.name }
        set { unique().name = newValue }
    }
    /// Overrides `Options.requestTimeout` for this request.
    public var timeout: Duration? {
        get { storage.timeout }
        set { unique().timeout = newValue }
    }
    /// Overrides `Options.responseBody` for this request.
    public var keepBody: BodyRetention? {
        get { storage.keepBody }
        set { unique().keepBody = newValue }
    }
    /// Streaming requests (`vu.http.sse`): sees the body while it arrives.
    var bodyObserver: BodyObserver? {
        get { storage.bodyObserver }
        set { unique().bodyObserver = newValue }
    }
    /// Streaming calls: adds their message and token timing to the series when it is recorded.
    var streamAccount: (any StreamAccount)? {
        get { storage.streamAccount }
        set { unique().streamAccount = newValue }
    }
    /// Statuses that count as success; by default every status below 400.
    public var expectedStatuses: ClosedRange<Int>? {
        get { storage.expectedStatuses }
        set { unique().expectedStatuses = newValue }
    }
    /// Tags for this request's metrics (added to its scenario's), for thresholds and reports.
    public var tags: [String: String] {
        get { storage.tags }
        _modify { let s = unique(); yield &s.tags }
    }

    public init(method: HTTPMethod = .get, url: String, query: [(name: String, value: String)] = [],
                headers: HTTPHeaders = [:], body: Body = .empty, name: String? = nil,
                timeout: Duration? = nil, keepBody: BodyRetention? = nil,
                expectedStatuses: ClosedRange<Int>? = nil, tags: [String: String] = [:]) {
        storage = Storage(method: method, url: url, query: query, headers: headers, body: body, name: name,
                          timeout: timeout, keepBody: keepBody, expectedStatuses: expectedStatuses, tags: tags)
    }

    /// Makes this request the one described, as `init` would, but in its own box when no other
    /// copy shares it: `vu.http.get(…)` and friends refill the VU's last request once it is gone,
    /// saving the box's allocation and free (~300 instructions per request, callgrind).
    mutating func refill(method: HTTPMethod, url: String, query: [(name: String, value: String)], headers: HTTPHeaders,
                         body: Body, name: String?, timeout: Duration?, keepBody: BodyRetention?, tags: [String: String]) {
        guard isKnownUniquelyReferenced(&storage) else {
            self = Request(method: method, url: url, query: query, headers: headers, body: body, name: name,
                           timeout: timeout, keepBody: keepBody, tags: tags)
            return
        }
        let s = storage
        s.method = method
        s.url = url
        s.query = query
        s.headers = headers
        s.body = body
        s.name = name
        s.timeout = timeout
        s.keepBody = keepBody
        if s.bodyObserver != nil { s.bodyObserver = nil }
        if s.streamAccount != nil { s.streamAccount = nil }
        s.expectedStatuses = nil
        s.tags = tags
    }

    /// Empties the body of a request about to be kept for `refill`, so a kept box pins no
    /// payload between requests; false when the body is shared with another copy of the box
    /// (keeping it would pin the body, and `refill` would make a new box anyway).
    mutating func releaseBodyForReuse() -> Bool {
        if storage.body.bytes.isEmpty && storage.body.contentType == nil { return true }
        guard isKnownUniquelyReferenced(&storage) else { return false }
        storage.body = .empty
        return true
    }

    /// The URL actually requested: `url` plus the encoded query items.
    public var fullURL: String {
        guard !query.isEmpty else { return url }
        let items = query.map { "\(URLEncoding.encode($0.name))=\(URLEncoding.encode($0.value))" }
            .joined(separator: "&")
        return url + (url.contains("?") ? "&" : "?") + items
    }

    /// The metrics group: `name`, or the URL without query string and fragment, and with any
    /// `user:password@` masked as `****:****@` (as k6 names such requests).
    public var metricName: String {
        if let name { return name }
        // Bytes, not Characters: walking a URL Character by Character (grapheme breaking) cost
        // ~12,000 instructions per request, as much as a whole request with a name (callgrind).
        var u = url
        var sawAt = false
        let cut = u.withUTF8 { b -> String? in
            for i in b.indices {
                switch b[i] {
                case UInt8(ascii: "?"), UInt8(ascii: "#"):
                    return String(decoding: UnsafeBufferPointer(rebasing: b[..<i]), as: UTF8.self)
                case UInt8(ascii: "@"):
                    sawAt = true
                default:
                    continue
                }
            }
            return nil
        }
        let name = cut ?? url
        return sawAt ? URLCredentials.masked(name) : name
    }
}
