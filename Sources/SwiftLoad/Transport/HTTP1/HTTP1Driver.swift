import CEpoll
#if canImport(Glibc)
import Glibc
#endif

/// One worker's built-in HTTP/1.1 client: routes epoll events to its VUs' connections, enforces
/// request deadlines, and owns the shared read buffer and name cache.
///
/// Deadlines are not timers: each request stores its deadline and the driver remembers the
/// earliest one. When that passes it sweeps the requests in flight, fails the late ones and
/// finds the next earliest. A sweep happens about once per timeout period, and a finished request
/// leaves nothing behind (a timer per request would pile up 60 s worth of dead entries).
final class HTTP1Driver: IOHandler, DeadlineSource {
    let loop: EventLoop
    let settings: HTTPSettings
    let resolver = AddressResolver()
    /// Reused by every read: a worker reads one socket at a time.
    let readBuffer: UnsafeMutableRawBufferPointer
    private var tag: UInt32 = 0
    private var byFD: [HTTP1Connection?] = []
    private var inflight: [HTTP1Connection] = []
    private var earliestDeadline: UInt64?
    /// Sockets closed while events may still be pending for them; see `retire`.
    private var retired: [Int32] = []

    init(loop: EventLoop, settings: HTTPSettings) {
        self.loop = loop
        self.settings = settings
        readBuffer = .allocate(byteCount: 64 * 1024, alignment: 16)
        tag = loop.register(self)
        loop.addDeadlineSource(self)
    }

    deinit {
        for fd in retired { close(fd) }
        readBuffer.deallocate()
    }

    // MARK: sockets

    func attach(_ connection: HTTP1Connection, fd: Int32) {
        let i = Int(fd)
        if i >= byFD.count { byFD.append(contentsOf: repeatElement(nil, count: i + 64 - byFD.count)) }
        byFD[i] = connection
    }

    func watch(fd: Int32, events: UInt32, alreadyWatched: Bool) {
        loop.watch(fd: fd, events: events, tag: tag, alreadyWatched: alreadyWatched)
    }

    /// Takes a socket out of service. It leaves epoll now but is closed only after the current
    /// batch of events, so its number cannot be reused by a new socket while stale events for
    /// it are still being dispatched.
    func retire(fd: Int32, watched: Bool) {
        if watched { loop.watch(fd: fd, events: 0, tag: tag, alreadyWatched: true) }
        byFD[Int(fd)] = nil
        retired.append(fd)
    }

    func handleIO(fd: Int32, events: UInt32) {
        let i = Int(fd)
        guard i < byFD.count, let c = byFD[i] else { return }
        c.handleIO(events: events)
    }

    func finishIOBatch() {
        guard !retired.isEmpty else { return }
        for fd in retired { close(fd) }
        retired.removeAll(keepingCapacity: true)
    }

    // MARK: deadlines

    func track(_ c: HTTP1Connection) {
        c.inflightIndex = inflight.count
        inflight.append(c)
        if earliestDeadline == nil || c.deadline < earliestDeadline! { earliestDeadline = c.deadline }
    }

    func untrack(_ c: HTTP1Connection) {
        let i = c.inflightIndex
        guard i >= 0 && i < inflight.count && inflight[i] === c else { return }
        let last = inflight.removeLast()
        if i < inflight.count {
            inflight[i] = last
            last.inflightIndex = i
        }
        c.inflightIndex = -1
    }

    var nextDeadline: UInt64? { earliestDeadline }

    func fire(now: UInt64) {
        earliestDeadline = nil
        let late = inflight.filter { $0.deadline <= now }
        for c in late { c.timeOut() }
        for c in inflight where earliestDeadline == nil || c.deadline < earliestDeadline! {
            earliestDeadline = c.deadline
        }
    }
}
