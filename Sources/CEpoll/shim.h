// epoll, eventfd, signal and malloc helpers that Swift's Glibc module does not expose.
// struct epoll_event is packed on x86_64, so Swift touches it only through these functions.
#ifndef SWIFTLOAD_CEPOLL_SHIM_H
#define SWIFTLOAD_CEPOLL_SHIM_H

#include <errno.h>
#include <malloc.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

/// Hands freed heap pages back to the system (glibc keeps them in its arenas otherwise).
static inline void sl_malloc_trim(void) { malloc_trim(0); }

static const uint32_t SL_EPOLLIN = EPOLLIN;
static const uint32_t SL_EPOLLOUT = EPOLLOUT;
static const uint32_t SL_EPOLLERR = EPOLLERR;
static const uint32_t SL_EPOLLHUP = EPOLLHUP;
static const uint32_t SL_EPOLLRDHUP = EPOLLRDHUP;

static inline int sl_epoll_create(void) { return epoll_create1(EPOLL_CLOEXEC); }

/// Adds, modifies or removes `fd`; `data` comes back with each event.
static inline int sl_epoll_ctl(int ep, int op, int fd, uint32_t events, uint64_t data) {
    struct epoll_event ev;
    ev.events = events;
    ev.data.u64 = data;
    return epoll_ctl(ep, op, fd, &ev);
}
static const int SL_EPOLL_CTL_ADD = EPOLL_CTL_ADD;
static const int SL_EPOLL_CTL_MOD = EPOLL_CTL_MOD;
static const int SL_EPOLL_CTL_DEL = EPOLL_CTL_DEL;

static inline struct epoll_event *sl_epoll_events_alloc(int n) {
    return (struct epoll_event *)calloc((size_t)n, sizeof(struct epoll_event));
}
static inline void sl_epoll_events_free(struct epoll_event *evs) { free(evs); }
static inline uint64_t sl_epoll_event_data(const struct epoll_event *evs, int i) { return evs[i].data.u64; }
static inline uint32_t sl_epoll_event_flags(const struct epoll_event *evs, int i) { return evs[i].events; }

/// Waits with nanosecond precision (epoll_pwait2, Linux 5.11+); falls back to epoll_wait,
/// rounding the timeout up to whole milliseconds so a timer never fires early.
/// `timeout_ns < 0` waits without limit.
static inline int sl_epoll_wait_ns(int ep, struct epoll_event *evs, int n, int64_t timeout_ns) {
    static int have_pwait2 = 1;
    if (have_pwait2) {
        struct timespec ts;
        struct timespec *tsp = NULL;
        if (timeout_ns >= 0) {
            ts.tv_sec = timeout_ns / 1000000000LL;
            ts.tv_nsec = timeout_ns % 1000000000LL;
            tsp = &ts;
        }
        int r = epoll_pwait2(ep, evs, n, tsp, NULL);
        if (r >= 0 || errno != ENOSYS) return r;
        have_pwait2 = 0;
    }
    int ms = timeout_ns < 0 ? -1 : (int)((timeout_ns + 999999LL) / 1000000LL);
    return epoll_wait(ep, evs, n, ms);
}

static inline int sl_eventfd(void) { return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC); }
static inline void sl_eventfd_signal(int fd) { uint64_t one = 1; ssize_t r = write(fd, &one, sizeof one); (void)r; }
static inline void sl_eventfd_drain(int fd) { uint64_t v; ssize_t r = read(fd, &v, sizeof v); (void)r; }

/// Blocks SIGINT and SIGTERM in the calling thread (and threads it starts later), so the
/// coordinator can take them synchronously with sl_wait_stop_signal.
static inline void sl_block_stop_signals(void) {
    sigset_t s; sigemptyset(&s); sigaddset(&s, SIGINT); sigaddset(&s, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &s, NULL);
}
static inline void sl_unblock_stop_signals(void) {
    sigset_t s; sigemptyset(&s); sigaddset(&s, SIGINT); sigaddset(&s, SIGTERM);
    pthread_sigmask(SIG_UNBLOCK, &s, NULL);
}
/// Returns the signal number taken, or 0 when `timeout_ns` passed without one.
static inline int sl_wait_stop_signal(int64_t timeout_ns) {
    sigset_t s; sigemptyset(&s); sigaddset(&s, SIGINT); sigaddset(&s, SIGTERM);
    struct timespec ts = { timeout_ns / 1000000000LL, timeout_ns % 1000000000LL };
    int r = sigtimedwait(&s, NULL, &ts);
    return r > 0 ? r : 0;
}
#endif
