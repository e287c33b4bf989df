/// A load test's configuration: its scenarios, thresholds and HTTP defaults.
///
///     static let options = Options(
///         scenarios: ["browse": .constantVUs(10, duration: .seconds(30))],
///         thresholds: ["http_req_duration{name:home}": "p(99) < 200ms"])
public struct Options: Sendable {
    /// Named workloads. With none, the test runs one VU for one iteration (k6's default).
    public var scenarios: [String: Scenario]
    /// Pass/fail criteria keyed by metric (optionally filtered: `http_req_duration{name:home}`).
    /// A run that crosses any of them exits with code 99.
    public var thresholds: [String: ThresholdSet]
    /// How long one request may take before it fails as a timeout (default 60 s, as k6).
    public var requestTimeout: Duration
    /// Skip TLS certificate and host name verification (also `--insecure`).
    public var insecureSkipTLSVerify: Bool
    /// Redirects followed per request; 0 returns 3xx responses as they are.
    public var maxRedirects: Int
    /// Sent with every request unless the request sets its own.
    public var userAgent: String
    /// How much of each response body to keep (see `BodyRetention`).
    public var responseBody: BodyRetention
    /// Worker threads (default: one per core). `--workers` overrides it.
    public var workers: Int?
    /// Which HTTP client carries requests (see `HTTPTransport`).
    public var transport: HTTPTransport
    /// Connections and streams for HTTP/2 (gRPC, and `transport: .http2`).
    public var http2: HTTP2Options
    /// The largest gRPC message a call accepts (default 4 MiB, as gRPC's own clients).
    public var grpcMaxMessageSize: Int
    /// Keep a cookie jar per VU (off by default: API targets rarely need one).
    public var cookies: Bool
    /// Distinct request names recorded at most (default 1,000). Requests under names past the
    /// cap are counted under one series, `(other names)`, and the run warns: give URLs with ids
    /// in them a `name:` (`"/item/{id}"`) so they group.
    public var maxRequestNames: Int
    /// Server metrics scraped while the load runs (see `ScrapeOptions`); `--scrape` adds targets.
    public var scrape: ScrapeOptions
    /// What an LLM call must meet to count toward `llm_goodput` (see `GoodputSLO`); `--goodput`
    /// overrides it.
    public var goodput: GoodputSLO
    /// Where relative request URLs point: `vu.http.get("/items/1")` goes to `baseURL + "/items/1"`
    /// and is named `/items/1`. `--env BASE_URL=…` overrides it.
    public var baseURL: String?

    public init(scenarios: [String: Scenario] = [:],
                thresholds: [String: ThresholdSet] = [:],
                requestTimeout: Duration = .seconds(60),
                insecureSkipTLSVerify: Bool = false,
                maxRedirects: Int = 10,
                userAgent: String = "swiftload/\(SwiftLoadVersion.current)",
                responseBody: BodyRetention = .default,
                workers: Int? = nil,
                transport: HTTPTransport = .automatic,
                http2: HTTP2Options = HTTP2Options(),
                grpcMaxMessageSize: Int = 4 << 20,
                cookies: Bool = false,
                maxRequestNames: Int = 1000,
                scrape: ScrapeOptions = ScrapeOptions(),
                goodput: GoodputSLO = GoodputSLO(),
                baseURL: String? = nil) {
        self.scenarios = scenarios
        self.thresholds = thresholds
        self.requestTimeout = requestTimeout
        self.insecureSkipTLSVerify = insecureSkipTLSVerify
        self.maxRedirects = maxRedirects
        self.userAgent = userAgent
        self.responseBody = responseBody
        self.workers = workers
        self.transport = transport
        self.http2 = http2
        self.grpcMaxMessageSize = grpcMaxMessageSize
        self.cookies = cookies
        self.maxRequestNames = maxRequestNames
        self.scrape = scrape
        self.goodput = goodput
        self.baseURL = baseURL
    }
}

/// How HTTP/2 connections are shared. Each worker keeps its own connections (workers share
/// nothing), so a test with two workers opens up to twice `connectionsPerTarget`.
public struct HTTP2Options: Sendable, Equatable {
    /// Connections per target, per worker.
    public var connectionsPerTarget: Int
    /// Streams per connection at most; the server's SETTINGS_MAX_CONCURRENT_STREAMS may lower it.
    public var maxConcurrentStreams: Int

    public init(connectionsPerTarget: Int = 1, maxConcurrentStreams: Int = 100) {
        self.connectionsPerTarget = connectionsPerTarget
        self.maxConcurrentStreams = maxConcurrentStreams
    }
}

/// Which HTTP client carries a test's requests.
public enum HTTPTransport: String, Sendable, Codable {
    /// The built-in HTTP/1.1 client for `http://` and `https://` (TLS through OpenSSL, ALPN
    /// `http/1.1`, certificates verified unless `insecureSkipTLSVerify`): one write and one read
    /// per request on a keep-alive connection.
    case automatic
    /// libcurl for every request, cleartext included; over TLS it offers HTTP/2 by ALPN and
    /// uses it when the server agrees.
    case libcurl
    /// HTTP/2 through nghttp2 for every request: prior knowledge (h2c) for `http://`, ALPN `h2`
    /// over TLS for `https://`. VUs' requests share `http2.connectionsPerTarget` connections.
    case http2
}

/// One or more threshold expressions for one metric: `"p(99) < 200ms"` or
/// `["p(95) < 100ms", "p(99) < 200ms"]`.
public struct ThresholdSet: Sendable, Equatable, ExpressibleByStringLiteral, ExpressibleByArrayLiteral {
    public var expressions: [String]

    public init(_ expressions: [String]) { self.expressions = expressions }
    public init(stringLiteral value: String) { expressions = [value] }
    public init(arrayLiteral elements: String...) { expressions = elements }
}

/// The version of swiftload and its library.
public enum SwiftLoadVersion {
    public static let current = "0.1.0"
}
