import CEpoll
#if canImport(Glibc)
import Glibc
#endif

/// Non-blocking TCP connects for the built-in clients.
enum TCPSocket {
    /// Creates a non-blocking socket and starts connecting it to `address`. `connected` is true
    /// when the connect finished at once (it can, on loopback); otherwise wait for the socket to
    /// become writable and ask `finishConnect`.
    static func connect(_ address: SocketAddress) -> Result<(fd: Int32, connected: Bool), RequestError> {
        let fd = socket(address.family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return .failure(RequestError(.other, "cannot create a socket: \(describe(errno))")) }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = address
        let rc = withUnsafePointer(to: &addr.storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, addr.length) }
        }
        if rc == 0 { return .success((fd, true)) }
        let e = errno
        if e == EINPROGRESS { return .success((fd, false)) }
        close(fd)
        return .failure(connectError(e))
    }

    /// The outcome of a connect that was in progress, once the socket reported an event.
    static func finishConnect(_ fd: Int32) -> RequestError? {
        var err: Int32 = 0
        var len = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len)
        return err == 0 ? nil : connectError(err)
    }

    static func connectError(_ e: Int32) -> RequestError {
        switch e {
        case ECONNREFUSED: return RequestError(.connectionRefused, "connection refused")
        case ETIMEDOUT: return RequestError(.timeout, "connect timed out")
        case ECONNRESET: return RequestError(.connectionReset, "connection reset while connecting")
        default: return RequestError(.other, "connect failed: \(describe(e))")
        }
    }

    static func describe(_ e: Int32) -> String { String(cString: strerror(e)) }
}
