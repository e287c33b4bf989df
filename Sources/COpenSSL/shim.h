// OpenSSL for the command line (content hashes for the script cache) and, later, TLS for the
// nghttp2 transport.
#ifndef SWIFTLOAD_COPENSSL_SHIM_H
#define SWIFTLOAD_COPENSSL_SHIM_H
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/err.h>

/// SHA-256 of `n` bytes into `out` (32 bytes). Returns 1 on success.
static inline int sl_sha256(const void *data, size_t n, unsigned char *out) {
    unsigned int len = 0;
    return EVP_Digest(data, n, out, &len, EVP_sha256(), NULL);
}
/// Macros Swift cannot call.
static inline long sl_ssl_set_sni(SSL *ssl, const char *name) { return SSL_set_tlsext_host_name(ssl, name); }
static inline long sl_ssl_ctx_min_tls12(SSL_CTX *ctx) { return SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION); }
static inline void sl_ssl_ctx_read_ahead(SSL_CTX *ctx) { SSL_CTX_set_read_ahead(ctx, 1); }
static inline long sl_ssl_set_partial_write(SSL *ssl) {
    return SSL_set_mode(ssl, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
}
static const int SL_SSL_ERROR_WANT_READ = SSL_ERROR_WANT_READ;
static const int SL_SSL_ERROR_WANT_WRITE = SSL_ERROR_WANT_WRITE;
static const int SL_SSL_ERROR_ZERO_RETURN = SSL_ERROR_ZERO_RETURN;
static const int SL_SSL_ERROR_SYSCALL = SSL_ERROR_SYSCALL;
static const int SL_SSL_VERIFY_PEER = SSL_VERIFY_PEER;
static const int SL_SSL_VERIFY_NONE = SSL_VERIFY_NONE;
#endif
