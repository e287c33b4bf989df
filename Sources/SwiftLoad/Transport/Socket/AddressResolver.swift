#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A socket address ready for `connect`.
struct SocketAddress: @unchecked Sendable {
    // @unchecked: plain bytes (sockaddr_storage), copied by value.
    var storage = sockaddr_storage()
    var length: socklen_t = 0
    var family: Int32 { Int32(storage.ss_family) }

    /// The address as text (`127.0.0.1`, `::1`), without the port.
    var numericHost: String? {
        var buf = [CChar](repeating: 0, count: Int(NI_MAXHOST))
        var s = storage
        let rc = withUnsafePointer(to: &s) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                getnameinfo($0, length, &buf, socklen_t(buf.count), nil, 0, NI_NUMERICHOST)
            }
        }
        guard rc == 0 else { return nil }
        return String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// Resolves host names once per worker and keeps the answer (or the failure) for the run, as load generators do
/// (a run measures the target, not its DNS). IP literals never touch the resolver.
///
/// A name not yet known is looked up on a thread of its own and the asking VU waits for it, so a
/// slow resolver never stalls the worker's loop (and the other VUs on it); VUs asking for the same
/// name meanwhile wait for the same lookup.
final class AddressResolver: @unchecked Sendable {
    // @unchecked: touched only on its worker's thread; the lookup thread hands its answer back
    // through `loop.execute`.
    private let loop: EventLoop
    private var cache: [String: SocketAddress] = [:]
    /// Names that did not resolve, kept too: a run against a broken name must not start a
    /// lookup thread per request.
    private var failed: [String: RequestError] = [:]
    private var waiting: [String: [UnsafeContinuation<Result<SocketAddress, RequestError>, Never>]] = [:]

    init(loop: EventLoop) { self.loop = loop }

    /// The address for `host:port` and the time this request spent waiting for it (zero when
    /// cached or a literal).
    func resolve(host: String, port: Int) async -> Result<(SocketAddress, UInt64), RequestError> {
        let key = "\(host):\(port)"
        if let a = cache[key] { return .success((a, 0)) }
        if let e = failed[key] { return .failure(e) }
        var address = SocketAddress()
        if Self.literal(host, port: port, into: &address) {
            cache[key] = address
            return .success((address, 0))
        }
        let start = MonotonicClock.now()
        let result: Result<SocketAddress, RequestError> = await withUnsafeContinuation { c in
            if waiting[key] != nil {
                waiting[key]!.append(c)
                return
            }
            waiting[key] = [c]
            Thread.detachNewThread { [self] in
                let answer = Self.lookup(host: host, port: port)
                // `execute` is the loop's one thread-safe entry.
                loop.execute { [self] in self.answered(key, answer) }
            }
        }
        return result.map { ($0, MonotonicClock.now() &- start) }
    }

    private func answered(_ key: String, _ answer: Result<SocketAddress, RequestError>) {
        switch answer {
        case .success(let a): cache[key] = a
        case .failure(let e): failed[key] = e
        }
        for c in waiting.removeValue(forKey: key) ?? [] { c.resume(returning: answer) }
    }

    /// getaddrinfo, blocking: called on a lookup thread only.
    private static func lookup(host: String, port: Int) -> Result<SocketAddress, RequestError> {
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
        var address = SocketAddress()
        withUnsafeMutableBytes(of: &address.storage) { dst in
            dst.copyMemory(from: UnsafeRawBufferPointer(start: chosen.pointee.ai_addr, count: Int(chosen.pointee.ai_addrlen)))
        }
        address.length = chosen.pointee.ai_addrlen
        return .success(address)
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
