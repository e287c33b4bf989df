#if canImport(Glibc)
import Glibc
#endif

/// A socket address ready for `connect`.
struct SocketAddress {
    var storage = sockaddr_storage()
    var length: socklen_t = 0
    var family: Int32 { Int32(storage.ss_family) }
}

/// Resolves host names once per worker and keeps the answer for the run, as load generators do
/// (a run measures the target, not its DNS). IP literals never touch the resolver.
final class AddressResolver {
    private var cache: [String: SocketAddress] = [:]

    /// The address for `host:port` and the time spent resolving it now (zero when cached).
    func resolve(host: String, port: Int) -> Result<(SocketAddress, UInt64), RequestError> {
        let key = "\(host):\(port)"
        if let a = cache[key] { return .success((a, 0)) }
        let start = MonotonicClock.now()
        var address = SocketAddress()
        if Self.literal(host, port: port, into: &address) {
            cache[key] = address
            return .success((address, 0))
        }
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_family = AF_UNSPEC
        var result: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, String(port), &hints, &result)
        guard rc == 0, let first = result else {
            return .failure(RequestError(.dns, "cannot resolve \(host): \(String(cString: gai_strerror(rc)))"))
        }
        defer { freeaddrinfo(result) }
        // Prefer IPv4 when both exist: most targets listen there, and there is no second attempt.
        var chosen = first
        var p: UnsafeMutablePointer<addrinfo>? = first
        while let a = p {
            if a.pointee.ai_family == AF_INET { chosen = a; break }
            p = a.pointee.ai_next
        }
        withUnsafeMutableBytes(of: &address.storage) { dst in
            dst.copyMemory(from: UnsafeRawBufferPointer(start: chosen.pointee.ai_addr, count: Int(chosen.pointee.ai_addrlen)))
        }
        address.length = chosen.pointee.ai_addrlen
        cache[key] = address
        return .success((address, MonotonicClock.now() &- start))
    }

    private static func literal(_ host: String, port: Int, into address: inout SocketAddress) -> Bool {
        var v4 = sockaddr_in()
        if inet_pton(AF_INET, host, &v4.sin_addr) == 1 {
            v4.sin_family = sa_family_t(AF_INET)
            v4.sin_port = UInt16(port).bigEndian
            withUnsafeMutableBytes(of: &address.storage) { dst in
                withUnsafeBytes(of: v4) { dst.copyMemory(from: $0) }
            }
            address.length = socklen_t(MemoryLayout<sockaddr_in>.size)
            return true
        }
        var v6 = sockaddr_in6()
        if inet_pton(AF_INET6, host, &v6.sin6_addr) == 1 {
            v6.sin6_family = sa_family_t(AF_INET6)
            v6.sin6_port = UInt16(port).bigEndian
            withUnsafeMutableBytes(of: &address.storage) { dst in
                withUnsafeBytes(of: v6) { dst.copyMemory(from: $0) }
            }
            address.length = socklen_t(MemoryLayout<sockaddr_in6>.size)
            return true
        }
        return false
    }
}
