/// A VU's cookies, per host: what `Set-Cookie` stored is sent back as `Cookie` to the same host.
/// Off by default, since API targets rarely use cookies and the bookkeeping costs; turn on with
/// `Options(cookies: true)` or `vu.cookies.isEnabled = true`.
///
/// Attributes other than `Max-Age=0` and a past `Expires` (which delete) are not applied: a load
/// test talks to one site, over one scheme, for minutes.
public final class CookieJar: @unchecked Sendable {
    // @unchecked: each VU has its own jar and uses it on its worker's thread only.
    public var isEnabled: Bool
    private var byHost: [String: [(name: String, value: String)]] = [:]

    init(enabled: Bool) { isEnabled = enabled }

    /// The cookies stored for `host`, as name → value.
    public func cookies(for host: String) -> [String: String] {
        Dictionary((byHost[host] ?? []).map { ($0.name, $0.value) }, uniquingKeysWith: { _, b in b })
    }

    /// Stores a cookie by hand.
    public func set(_ name: String, _ value: String, for host: String) {
        var list = byHost[host] ?? []
        list.removeAll { $0.name == name }
        list.append((name, value))
        byHost[host] = list
    }

    public func clear() { byHost.removeAll() }

    func header(for host: String) -> String? {
        guard let list = byHost[host], !list.isEmpty else { return nil }
        return list.map { "\($0.name)=\($0.value)" }.joined(separator: "; ")
    }

    func store(_ setCookies: [String], from host: String) {
        for line in setCookies {
            let parts = line.split(separator: ";").map { String($0).trimmingSpaces() }
            guard let first = parts.first, let eq = first.firstIndex(of: "=") else { continue }
            let name = String(first[..<eq]).trimmingSpaces()
            let value = String(first[first.index(after: eq)...]).trimmingSpaces()
            let attributes = parts.dropFirst().map { $0.lowercased() }
            let expired = attributes.contains { $0 == "max-age=0" || $0.hasPrefix("max-age=-") }
                || attributes.contains { $0.hasPrefix("expires=") && $0.contains("1970") }
            var list = byHost[host] ?? []
            list.removeAll { $0.name == name }
            if !expired { list.append((name, value)) }
            byHost[host] = list
        }
    }
}
