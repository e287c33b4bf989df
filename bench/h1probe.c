// h1probe: the smallest HTTP/1.1 keep-alive GET load generator, one thread, on epoll or on
// io_uring: no parser beyond finding a response's end, no timing, no metrics. It measures what
// the kernel's side of a request costs on this machine, and so the floor under any client's
// requests per CPU-second (`bench/run.sh floor`).
//
//   h1probe epoll|uring|uring-fixed http://IPV4:PORT/PATH CONNECTIONS SECONDS
//
// epoll: one epoll_wait per turn, then a recv and, after a complete response, a send per ready
// connection (what swiftload's HTTP/1.1 client does). uring: io_uring set up by hand (no
// liburing), a send and a recv submitted per request, one io_uring_enter per turn that submits
// them and waits for the next completion; uring-fixed also registers the sockets.
// Prints "requests: N". Responses must carry Content-Length (nginx's static files do).
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/io_uring.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

struct conn { int fd; int len; char buf[8192]; };

static char req[512];
static int reqlen;
static long total;

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

// Counts and drops the complete responses at the front of c->buf.
static int consume(struct conn *c) {
    int n = 0;
    for (;;) {
        char *h = memmem(c->buf, c->len, "\r\n\r\n", 4);
        if (!h) break;
        int hl = (int)(h - c->buf) + 4;
        char *cl = memmem(c->buf, hl, "Content-Length: ", 16);
        int blen = cl ? atoi(cl + 16) : 0;
        if (c->len < hl + blen) break;
        memmove(c->buf, c->buf + hl + blen, c->len - hl - blen);
        c->len -= hl + blen;
        n++;
    }
    return n;
}

static int dial(const char *host, int port) {
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
    inet_pton(AF_INET, host, &a.sin_addr);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) { perror("connect"); exit(1); }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

static void run_epoll(struct conn *cs, int n, double end) {
    int ep = epoll_create1(0);
    for (int i = 0; i < n; i++) {
        struct epoll_event e = {.events = EPOLLIN, .data.u32 = i};
        epoll_ctl(ep, EPOLL_CTL_ADD, cs[i].fd, &e);
        send(cs[i].fd, req, reqlen, MSG_NOSIGNAL);
    }
    struct epoll_event evs[256];
    while (now() < end) {
        int k = epoll_wait(ep, evs, 256, 100);
        for (int j = 0; j < k; j++) {
            struct conn *c = &cs[evs[j].data.u32];
            ssize_t r = recv(c->fd, c->buf + c->len, sizeof c->buf - c->len, 0);
            if (r <= 0) { if (r < 0 && errno == EAGAIN) continue; fprintf(stderr, "recv %zd\n", r); exit(1); }
            c->len += r;
            int done = consume(c);
            total += done;
            if (done) send(c->fd, req, reqlen, MSG_NOSIGNAL);
        }
    }
}

// io_uring by hand (no liburing here): one submission and wait per turn of the loop.
static int ring_fd;
static unsigned *sq_tail_p, *sq_mask_p, *sq_array, *cq_head_p, *cq_tail_p, *cq_mask_p;
static struct io_uring_sqe *sqes;
static struct io_uring_cqe *cqes;
static unsigned sq_tail, pending;
static int fixed;

static struct io_uring_sqe *get_sqe(void) {
    unsigned idx = sq_tail & *sq_mask_p;
    sq_array[idx] = idx;
    sq_tail++;
    pending++;
    struct io_uring_sqe *s = &sqes[idx];
    memset(s, 0, sizeof *s);
    return s;
}

static void queue(int op, struct conn *cs, int i, void *addr, unsigned len) {
    struct io_uring_sqe *s = get_sqe();
    s->opcode = op;
    s->fd = fixed ? i : cs[i].fd;
    if (fixed) s->flags = IOSQE_FIXED_FILE;
    s->addr = (unsigned long)addr;
    s->len = len;
    s->user_data = (unsigned long)i << 1 | (op == IORING_OP_SEND);
    if (op == IORING_OP_SEND) s->msg_flags = MSG_NOSIGNAL;
}

static void run_uring(struct conn *cs, int n, double end) {
    struct io_uring_params p;
    memset(&p, 0, sizeof p);
    p.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN;
    ring_fd = (int)syscall(__NR_io_uring_setup, 1024, &p);
    if (ring_fd < 0) { perror("io_uring_setup"); exit(1); }
    if (!(p.features & IORING_FEAT_SINGLE_MMAP)) { fprintf(stderr, "h1probe: this io_uring maps its two rings separately, which h1probe does not do\n"); exit(1); }
    size_t sqsz = p.sq_off.array + p.sq_entries * sizeof(unsigned);
    size_t cqsz = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
    size_t sz = sqsz > cqsz ? sqsz : cqsz;
    char *sq = mmap(0, sz, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, ring_fd, IORING_OFF_SQ_RING);
    char *cq = sq;   // one mapping holds both rings (IORING_FEAT_SINGLE_MMAP)
    sqes = mmap(0, p.sq_entries * sizeof(struct io_uring_sqe), PROT_READ | PROT_WRITE,
                MAP_SHARED | MAP_POPULATE, ring_fd, IORING_OFF_SQES);
    if (sq == MAP_FAILED || sqes == MAP_FAILED) { perror("mmap"); exit(1); }
    sq_tail_p = (unsigned *)(sq + p.sq_off.tail);
    sq_mask_p = (unsigned *)(sq + p.sq_off.ring_mask);
    sq_array = (unsigned *)(sq + p.sq_off.array);
    cq_head_p = (unsigned *)(cq + p.cq_off.head);
    cq_tail_p = (unsigned *)(cq + p.cq_off.tail);
    cq_mask_p = (unsigned *)(cq + p.cq_off.ring_mask);
    cqes = (struct io_uring_cqe *)(cq + p.cq_off.cqes);
    sq_tail = *sq_tail_p;
    if (fixed) {
        int fds[1024];
        for (int i = 0; i < n; i++) fds[i] = cs[i].fd;
        if (syscall(__NR_io_uring_register, ring_fd, IORING_REGISTER_FILES, fds, n) != 0) { perror("register"); exit(1); }
    }
    for (int i = 0; i < n; i++) {
        queue(IORING_OP_SEND, cs, i, req, reqlen);
        queue(IORING_OP_RECV, cs, i, cs[i].buf, sizeof cs[i].buf);
    }
    while (now() < end) {
        atomic_store_explicit((_Atomic unsigned *)sq_tail_p, sq_tail, memory_order_release);
        int r = (int)syscall(__NR_io_uring_enter, ring_fd, pending, 1, IORING_ENTER_GETEVENTS, NULL, 0);
        if (r < 0 && errno != EINTR) { perror("io_uring_enter"); exit(1); }
        pending = 0;
        unsigned head = *cq_head_p;
        unsigned tail = atomic_load_explicit((_Atomic unsigned *)cq_tail_p, memory_order_acquire);
        for (; head != tail; head++) {
            struct io_uring_cqe *e = &cqes[head & *cq_mask_p];
            int i = (int)(e->user_data >> 1);
            if (e->user_data & 1) {
                if (e->res != reqlen) { fprintf(stderr, "send %d\n", e->res); exit(1); }
                continue;
            }
            if (e->res <= 0) { fprintf(stderr, "recv %d\n", e->res); exit(1); }
            struct conn *c = &cs[i];
            c->len += e->res;
            int done = consume(c);
            total += done;
            if (done) queue(IORING_OP_SEND, cs, i, req, reqlen);
            queue(IORING_OP_RECV, cs, i, c->buf + c->len, sizeof c->buf - c->len);
        }
        atomic_store_explicit((_Atomic unsigned *)cq_head_p, head, memory_order_release);
    }
}

int main(int argc, char **argv) {
    char host[64], path[256];
    int port;
    if (argc != 5 || sscanf(argv[2], "http://%63[0-9.]:%d%255s", host, &port, path) != 3) {
        fprintf(stderr, "usage: h1probe epoll|uring|uring-fixed http://IPV4:PORT/PATH CONNECTIONS SECONDS\n");
        return 2;
    }
    int n = atoi(argv[3]);
    if (n < 1 || n > 1024) { fprintf(stderr, "h1probe: 1 to 1024 connections\n"); return 2; }
    reqlen = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: %s:%d\r\n\r\n", path, host, port);
    struct conn *cs = calloc(n, sizeof *cs);
    for (int i = 0; i < n; i++) cs[i].fd = dial(host, port);
    double end = now() + atof(argv[4]);
    if (strcmp(argv[1], "epoll") == 0) run_epoll(cs, n, end);
    else { fixed = strcmp(argv[1], "uring-fixed") == 0; run_uring(cs, n, end); }
    printf("requests: %ld\n", total);
    return 0;
}
