/// The header rules every transport shares, applied once before a request reaches one: which
/// fields a script may send, and the defaults it gets when it does not set them.
///
/// - A field name must be an HTTP token and a value must not hold CR, LF or NUL (a line break
///   is a header-injection attempt, not something to send): the request fails as a protocol
///   error on every transport alike, before anything is sent.
/// - `Content-Length` and `Transfer-Encoding` are the transport's framing and are dropped.
///   `Host` may be set: it becomes the request's authority (HTTP/1.1 `Host`, HTTP/2
///   `:authority`); TLS still names the URL's host.
/// - Defaults: `User-Agent` (`Options.userAgent`), `Accept: */*`, the body's `Content-Type`,
///   the cookie jar's `Cookie`, and `Authorization: Basic …` for a URL's `user:password@`
///   (`URLCredentials`), each only when the script set none.
enum HeaderPolicy {
    /// The fields to send for `request` (with a body of `bodyCount` bytes), or why it cannot go.
    static func fields(_ headers: HTTPHeaders, bodyCount: Int, contentType: String?, cookie: String?,
                       authorization: String? = nil, userAgent: String) -> Result<(fields: [PreparedRequest.Field], host: String?), RequestError> {
        if let problem = problem(in: headers) { return .failure(problem) }
        var out: [PreparedRequest.Field] = []
        out.reserveCapacity(headers.count + 3)
        var hasUserAgent = false, hasAccept = false, hasContentType = false, hasCookie = false, hasAuthorization = false
        var host: String?
        for f in headers {
            switch lowerASCII(f.name) {
            case "content-length", "transfer-encoding": continue
            case "host": host = f.value; continue
            case "user-agent": hasUserAgent = true
            case "accept": hasAccept = true
            case "content-type": hasContentType = true
            case "cookie": hasCookie = true
            case "authorization": hasAuthorization = true
            default: break
            }
            out.append(PreparedRequest.Field(name: f.name, value: f.value))
        }
        if !hasUserAgent { out.append(PreparedRequest.Field(name: "User-Agent", value: userAgent)) }
        if !hasAccept { out.append(PreparedRequest.Field(name: "Accept", value: "*/*")) }
        if bodyCount > 0, !hasContentType, let contentType {
            out.append(PreparedRequest.Field(name: "Content-Type", value: contentType))
        }
        if !hasCookie, let cookie { out.append(PreparedRequest.Field(name: "Cookie", value: cookie)) }
        if !hasAuthorization, let authorization {
            out.append(PreparedRequest.Field(name: "Authorization", value: authorization))
        }
        return .success((out, host))
    }

    /// Why `headers` cannot be sent (a name that is not a token, a value with CR, LF or NUL), or
    /// nil. HTTP requests and gRPC metadata are checked alike.
    static func problem(in headers: HTTPHeaders) -> RequestError? {
        for f in headers {
            guard isToken(f.name) else {
                return RequestError(.protocolError, "header name \(f.name.debugDescription) is not a valid HTTP field name")
            }
            guard !f.value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0 }) else {
                return RequestError(.protocolError, "header \(f.name.debugDescription) contains a line break")
            }
        }
        return nil
    }

    /// RFC 9110 `token`: the characters a field name may hold.
    static func isToken(_ s: String) -> Bool {
        guard !s.isEmpty else { return false }
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"):
                continue
            case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
                 UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
                 UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
                continue
            default:
                return false
            }
        }
        return true
    }

    /// ASCII lower case (field names are ASCII tokens).
    static func lowerASCII(_ s: String) -> String {
        guard s.utf8.contains(where: { $0 >= 0x41 && $0 <= 0x5A }) else { return s }
        return String(decoding: s.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }, as: UTF8.self)
    }
}
