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
#endif
