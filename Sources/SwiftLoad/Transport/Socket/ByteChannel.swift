#if canImport(Glibc)
import Glibc
#endif

/// What a read or write on a connected socket did.
enum IOResult {
    /// This many bytes moved.
    case done(Int)
    /// The peer closed the connection in order.
    case closed
    /// Nothing moved; try again when the socket is readable (or writable, for TLS renegotiation).
    case wouldBlock(needsWritable: Bool)
    case failed(RequestError)
}

/// Reads and writes a connected, non-blocking socket: in the clear, or through TLS.
protocol ByteChannel: AnyObject {
    func read(into buffer: UnsafeMutableRawBufferPointer) -> IOResult
    func write(_ bytes: UnsafeRawBufferPointer) -> IOResult
}

/// A cleartext socket.
final class PlainChannel: ByteChannel {
    let fd: Int32

    init(fd: Int32) { self.fd = fd }

    func read(into buffer: UnsafeMutableRawBufferPointer) -> IOResult {
        while true {
            let n = recv(fd, buffer.baseAddress, buffer.count, 0)
            if n > 0 { return .done(n) }
            if n == 0 { return .closed }
            let e = errno
            if e == EINTR { continue }
            if e == EAGAIN || e == EWOULDBLOCK { return .wouldBlock(needsWritable: false) }
            return .failed(Self.error(e, "recv"))
        }
    }

    func write(_ bytes: UnsafeRawBufferPointer) -> IOResult {
        while true {
            let n = send(fd, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL))
            if n >= 0 { return .done(n) }
            let e = errno
            if e == EINTR { continue }
            if e == EAGAIN || e == EWOULDBLOCK { return .wouldBlock(needsWritable: true) }
            return .failed(Self.error(e, "send"))
        }
    }

    static func error(_ e: Int32, _ call: String) -> RequestError {
        if e == ECONNRESET || e == EPIPE { return RequestError(.connectionReset, "connection reset by peer") }
        return RequestError(.other, "\(call) failed: \(TCPSocket.describe(e))")
    }
}
