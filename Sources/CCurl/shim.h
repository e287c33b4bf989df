// Typed wrappers around libcurl's variadic calls, which Swift cannot call directly.
// One wrapper per argument type; the option constants keep their C names.
#ifndef SWIFTLOAD_CCURL_SHIM_H
#define SWIFTLOAD_CCURL_SHIM_H

#include <curl/curl.h>

static inline CURLcode sl_easy_setopt_long(CURL *h, CURLoption o, long v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode sl_easy_setopt_off(CURL *h, CURLoption o, curl_off_t v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode sl_easy_setopt_ptr(CURL *h, CURLoption o, const void *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode sl_easy_setopt_str(CURL *h, CURLoption o, const char *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode sl_easy_setopt_slist(CURL *h, CURLoption o, struct curl_slist *v) { return curl_easy_setopt(h, o, v); }
/// For CURLOPT_WRITEFUNCTION and CURLOPT_HEADERFUNCTION, which share one signature.
static inline CURLcode sl_easy_setopt_write_cb(CURL *h, CURLoption o, curl_write_callback v) { return curl_easy_setopt(h, o, v); }

static inline CURLcode sl_easy_getinfo_long(CURL *h, CURLINFO i, long *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode sl_easy_getinfo_off(CURL *h, CURLINFO i, curl_off_t *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode sl_easy_getinfo_ptr(CURL *h, CURLINFO i, char **v) { return curl_easy_getinfo(h, i, v); }

static inline CURLMcode sl_multi_setopt_long(CURLM *m, CURLMoption o, long v) { return curl_multi_setopt(m, o, v); }
static inline CURLMcode sl_multi_setopt_ptr(CURLM *m, CURLMoption o, void *v) { return curl_multi_setopt(m, o, v); }
static inline CURLMcode sl_multi_setopt_socket_cb(CURLM *m, curl_socket_callback v) {
    return curl_multi_setopt(m, CURLMOPT_SOCKETFUNCTION, v);
}
static inline CURLMcode sl_multi_setopt_timer_cb(CURLM *m, curl_multi_timer_callback v) {
    return curl_multi_setopt(m, CURLMOPT_TIMERFUNCTION, v);
}

// Macros Swift does not import as constants.
static const int SL_CURL_SOCKET_TIMEOUT = CURL_SOCKET_TIMEOUT;
static const int SL_CURL_POLL_IN = CURL_POLL_IN;
static const int SL_CURL_POLL_OUT = CURL_POLL_OUT;
static const int SL_CURL_POLL_INOUT = CURL_POLL_INOUT;
static const int SL_CURL_POLL_REMOVE = CURL_POLL_REMOVE;
static const int SL_CURL_CSELECT_IN = CURL_CSELECT_IN;
static const int SL_CURL_CSELECT_OUT = CURL_CSELECT_OUT;
static const int SL_CURL_CSELECT_ERR = CURL_CSELECT_ERR;
static const CURLversion SL_CURLVERSION_NOW = CURLVERSION_NOW;

#endif
