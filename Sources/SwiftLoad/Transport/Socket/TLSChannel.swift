import COpenSSL
#if canImport(Glibc)
import Glibc
#endif

/// The worker's OpenSSL client context: system trust store, TLS 1.2 or newer, certificate and
/// host name verification unless the test opted out.
final class TLSContext {
    let ctx: OpaquePointer
    let insecure: Bool

    init(insecure: Bool) {
        ctx = SSL_CTX_new(TLS_client_method())
        self.insecure = insecure
        _ = sl_ssl_ctx_min_tls12(ctx)
        // One recv per read event instead of two per record (header, then body); what is read
        // ahead is seen by `hasBufferedBytes`.
        sl_ssl_ctx_read_ahead(ctx)
        if insecure {
            SSL_CTX_set_verify(ctx, SL_SSL_VERIFY_NONE, nil)
        } else {
            SSL_CTX_set_default_verify_paths(ctx)
            SSL_CTX_set_verify(ctx, SL_SSL_VERIFY_PEER, nil)
        }
        // A missing trust store file leaves entries in this thread's error queue; see TLSChannel.
        ERR_clear_error()
    }

    deinit { SSL_CTX_free(ctx) }
}

/// A TLS client connection on a non-blocking socket, offering `h2` by ALPN.
///
/// `SSL_get_error` is only reliable when the thread's error queue was empty before the call.
/// Clearing it before every read and write costs ~840 instructions each (OpenSSL 3 wipes all 16
/// slots), a tenth of a request's TLS work. Instead the queue is kept empty where it could fill:
/// every call here that fails drains it before returning, and so do the context's set-up and each
/// handshake step. Only the worker's own thread uses these objects.
final class TLSChannel: ByteChannel {
    enum Handshake {
        case done
        case wouldBlock(needsWritable: Bool)
        case failed(RequestError)
    }

    private let ssl: OpaquePointer
    private let context: TLSContext

    init(context: TLSContext, fd: Int32, host: String, alpn: [String]) {
        self.context = context
        ssl = SSL_new(context.ctx)
        SSL_set_fd(ssl, fd)
        _ = sl_ssl_set_partial_write(ssl)
        var v4 = in_addr(), v6 = in6_addr()
        let isIP = inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1
        if !isIP { _ = sl_ssl_set_sni(ssl, host) }
        if !context.insecure {
            if isIP {
                X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host)
            } else {
                SSL_set1_host(ssl, host)
            }
        }
        var wire: [UInt8] = []
        for p in alpn {
            wire.append(UInt8(p.utf8.count))
            wire.append(contentsOf: p.utf8)
        }
        _ = SSL_set_alpn_protos(ssl, wire, UInt32(wire.count))
        SSL_set_connect_state(ssl)
    }

    deinit { SSL_free(ssl) }

    func handshake() -> Handshake {
        ERR_clear_error()
        let rc = SSL_do_handshake(ssl)
        if rc == 1 { return .done }
        switch SSL_get_error(ssl, rc) {
        case SL_SSL_ERROR_WANT_READ: return .wouldBlock(needsWritable: false)
        case SL_SSL_ERROR_WANT_WRITE: return .wouldBlock(needsWritable: true)
        default:
            defer { ERR_clear_error() }
            let verify = SSL_get_verify_result(ssl)
            if verify != X509_V_OK {
                return .failed(RequestError(.tls, "certificate verification failed: \(String(cString: X509_verify_cert_error_string(verify)))"))
            }
            return .failed(RequestError(.tls, "TLS handshake failed: \(Self.lastError())"))
        }
    }

    /// The protocol the server chose by ALPN, if any.
    var negotiatedProtocol: String? {
        var data: UnsafePointer<UInt8>?
        var len: UInt32 = 0
        SSL_get0_alpn_selected(ssl, &data, &len)
        guard let data, len > 0 else { return nil }
        return String(decoding: UnsafeBufferPointer(start: data, count: Int(len)), as: UTF8.self)
    }

    /// Whether OpenSSL holds bytes (decrypted, or read ahead and not yet decrypted) that a read
    /// would return without the socket. When not, a reader may stop and wait for epoll: the rest
    /// of the stream is in the kernel, where the level-triggered loop sees it.
    var hasBufferedBytes: Bool { SSL_has_pending(ssl) == 1 }

    func read(into buffer: UnsafeMutableRawBufferPointer) -> IOResult {
        let n = SSL_read(ssl, buffer.baseAddress, Int32(min(buffer.count, Int(Int32.max))))
        if n > 0 { return .done(Int(n)) }
        return failure(n)
    }

    func write(_ bytes: UnsafeRawBufferPointer) -> IOResult {
        guard !bytes.isEmpty else { return .done(0) }
        let n = SSL_write(ssl, bytes.baseAddress, Int32(min(bytes.count, Int(Int32.max))))
        if n > 0 { return .done(Int(n)) }
        return failure(n)
    }

    private func failure(_ rc: Int32) -> IOResult {
        let e = errno
        let code = SSL_get_error(ssl, rc)
        if code == SL_SSL_ERROR_WANT_READ { return .wouldBlock(needsWritable: false) }
        if code == SL_SSL_ERROR_WANT_WRITE { return .wouldBlock(needsWritable: true) }
        // Every other ending may have queued errors: drained here, after reading the first.
        defer { ERR_clear_error() }
        switch code {
        case SL_SSL_ERROR_ZERO_RETURN: return .closed
        case SL_SSL_ERROR_SYSCALL: return e == 0 ? .closed : .failed(PlainChannel.error(e, "TLS"))
        default: return .failed(RequestError(.tls, Self.lastError()))
        }
    }

    static func lastError() -> String {
        let code = ERR_get_error()
        guard code != 0 else { return "unknown TLS error" }
        var buf = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &buf, buf.count)
        return String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
