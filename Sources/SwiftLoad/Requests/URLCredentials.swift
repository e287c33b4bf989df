import Foundation

/// The `user:password@` part of a URL's authority (RFC 3986 userinfo).
///
/// A request to such a URL sends it as `Authorization: Basic …` on every transport alike (curl
/// and k6 do the same), unless the script set an `Authorization` field itself; the transports
/// get the URL without it. Nothing swiftload writes shows it: a request's default name masks
/// it as k6 does (`http://****:****@host/path`), and the report's targets and warnings leave
/// it out.
enum URLCredentials {
    /// `url` cut around its userinfo: up to `://`, the userinfo (without '@'), and the rest
    /// from the host on. Nil when the authority has no '@'.
    static func parts(of url: String) -> (scheme: Substring, userinfo: Substring, rest: Substring)? {
        guard let sep = url.range(of: "://") else { return nil }
        let rest = url[sep.upperBound...]
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        guard let at = rest[..<authorityEnd].lastIndex(of: "@") else { return nil }
        return (url[..<sep.upperBound], rest[..<at], rest[rest.index(after: at)...])
    }

    /// `url` without its `user:password@`.
    static func removed(from url: String) -> String {
        guard let p = parts(of: url) else { return url }
        return String(p.scheme + p.rest)
    }

    /// `url` with its userinfo masked as k6 masks it: `****:****@` (or `****@` without a password).
    static func masked(_ url: String) -> String {
        guard let p = parts(of: url) else { return url }
        return String(p.scheme) + (p.userinfo.contains(":") ? "****:****@" : "****@") + p.rest
    }

    /// The `Authorization` value for `userinfo` (`user:password`, percent-encoded as in the URL).
    static func basicAuthorization(_ userinfo: String) -> String {
        let colon = userinfo.firstIndex(of: ":")
        let user = PercentDecoding.decoded(userinfo[..<(colon ?? userinfo.endIndex)])
        let password = colon.map { PercentDecoding.decoded(userinfo[userinfo.index(after: $0)...]) } ?? ""
        return "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
    }
}
