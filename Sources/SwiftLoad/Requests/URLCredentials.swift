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
        let b = Array(url.utf8)
        guard let (start, authorityEnd, _) = HTTPTarget.layout(b),
              let at = b[start..<authorityEnd].lastIndex(of: UInt8(ascii: "@")) else { return nil }
        let u = url.utf8
        let s = u.index(u.startIndex, offsetBy: start), a = u.index(u.startIndex, offsetBy: at)
        return (url[..<s], url[s..<a], url[u.index(after: a)...])
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
