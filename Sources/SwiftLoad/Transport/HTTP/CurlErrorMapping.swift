import CCurl
#if canImport(Glibc)
import Glibc
#endif

/// Sorts libcurl's result codes into the report's error classes.
enum CurlErrorMapping {
    static func classify(_ code: CURLcode, osErrno: Int) -> ErrorClass {
        switch code {
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            return .dns
        case CURLE_COULDNT_CONNECT:
            if osErrno == Int(ECONNREFUSED) { return .connectionRefused }
            if osErrno == Int(ETIMEDOUT) { return .timeout }
            if osErrno == Int(ECONNRESET) { return .connectionReset }
            return .other
        case CURLE_OPERATION_TIMEDOUT:
            return .timeout
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM,
             CURLE_SSL_CIPHER, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_SHUTDOWN_FAILED,
             CURLE_SSL_CRL_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH,
             CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED,
             CURLE_SSL_ENGINE_INITFAILED, CURLE_USE_SSL_FAILED, CURLE_SSL_CLIENTCERT:
            return .tls
        case CURLE_RECV_ERROR, CURLE_SEND_ERROR:
            return osErrno == Int(ECONNRESET) || osErrno == Int(EPIPE) ? .connectionReset : .connectionClosed
        case CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE:
            return .connectionClosed
        case CURLE_FILESIZE_EXCEEDED:
            return .tooLarge
        case CURLE_HTTP2, CURLE_HTTP2_STREAM, CURLE_WEIRD_SERVER_REPLY, CURLE_UNSUPPORTED_PROTOCOL,
             CURLE_URL_MALFORMAT, CURLE_BAD_CONTENT_ENCODING, CURLE_TOO_MANY_REDIRECTS,
             CURLE_HTTP3, CURLE_RANGE_ERROR:
            return .protocolError
        default:
            return .other
        }
    }
}
