/// The per-run HTTP defaults a worker's connections apply, resolved from `Options` and the CLI.
struct HTTPSettings: Sendable {
    var requestTimeout: Duration
    /// `requestTimeout` in nanoseconds, converted once.
    var requestTimeoutNs: UInt64
    var insecure: Bool
    var maxRedirects: Int
    var userAgent: String
    var bodyRetention: BodyRetention
    var transport: HTTPTransport
    var http2: HTTP2Options
    var grpcMaxMessageSize: Int
    var cookies: Bool
    /// What an LLM call must meet to count toward `llm_goodput`.
    var goodput: GoodputSLO
    /// Where relative request URLs point (`Options.baseURL`, or `--env BASE_URL`).
    var baseURL: String?

    init(options: Options, insecureOverride: Bool) {
        requestTimeout = options.requestTimeout
        requestTimeoutNs = options.requestTimeout.nanoseconds
        insecure = options.insecureSkipTLSVerify || insecureOverride
        maxRedirects = options.maxRedirects
        userAgent = options.userAgent
        bodyRetention = options.responseBody
        transport = options.transport
        http2 = options.http2
        grpcMaxMessageSize = options.grpcMaxMessageSize
        cookies = options.cookies
        goodput = options.goodput
        baseURL = options.baseURL
    }

    /// The base URL a run resolves relative URLs against: `--env BASE_URL` (or `BASE_URL` in the
    /// process's environment) over `Options.baseURL`; nil when neither is set.
    static func baseURL(options: Options, env: Environment) throws(ConfigurationError) -> String? {
        guard let base = env["BASE_URL"], !base.isEmpty else { return options.baseURL }
        guard base.hasPrefix("http://") || base.hasPrefix("https://") else {
            throw ConfigurationError(["BASE_URL must start with http:// or https:// (got \"\(base)\")"])
        }
        return base
    }
}
