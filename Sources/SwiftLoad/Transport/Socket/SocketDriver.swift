import CEpoll
#if canImport(Glibc)
import Glibc
#endif

/// A socket owned by one of the worker's built-in clients (HTTP/1.1 connection, HTTP/2 session).
protocol SocketHandler: AnyObject {
    func handleIO(events: UInt32)
}

/// Work in flight with a deadline the driver enforces (an HTTP/1.1 request, an HTTP/2 stream).
protocol DeadlineTracked: AnyObject {
    var deadline: UInt64 { get }
    /// Position in the driver's list; maintained by the driver.
    var trackIndex: Int { get set }
    func timeOut()
}

/// Something that batches output and writes it once per loop turn (HTTP/2 sessions).
protocol Flushable: AnyObject {
    func flush()
}

/// One worker's socket plumbing for the built-in clients: routes epoll events to the socket's
/// owner, retires closed sockets safely, enforces deadlines, flushes batched output before the
/// loop sleeps, and owns the shared read buffer and name cache.
///
/// Deadlines are not timers: each piece of work stores its deadline and the driver remembers the
/// earliest one. When that passes it sweeps the work in flight, fails the late ones and finds the
/// next earliest. A sweep happens about once per timeout period, and finished work leaves nothing
/// behind (a timer per request would pile up 60 s worth of dead entries).
final class SocketDriver: IOHandler, DeadlineSource, PrePollHandler {
    let loop: EventLoop
    let settings: HTTPSettings
    let resolver: AddressResolver
    /// Reused by every read: a worker reads one socket at a time.
    let readBuffer: UnsafeMutableRawBufferPointer
    private var tag: UInt32 = 0
    private var byFD: [SocketHandler?] = []
    private var inflight: [DeadlineTracked] = []
    private var earliestDeadline: UInt64?
    /// Sockets closed while events may still be pending for them; see `retire`.
    private var retired: [Int32] = []
    private var dirty: [Flushable] = []
    private var tls: TLSContext?

    /// The worker's TLS client context (HTTP/1.1 and HTTP/2 alike), made on first use.
    var tlsContext: TLSContext {
        if let tls { return tls }
        let t = TLSContext(insecure: settings.insecure)
        tls = t
        return t
    }

    init(loop: EventLoop, settings: HTTPSettings) {
        self.loop = loop
        self.settings = settings
        resolver = AddressResolver(loop: loop)
        readBuffer = .allocate(byteCount: 64 * 1024, alignment: 16)
        tag = loop.register(self)
        loop.addDeadlineSource(self)
        loop.addPrePollHandler(self)
    }

    deinit {
        for fd in retired { close(fd) }
        readBuffer.deallocate()
    }

    // MARK: sockets

    func attach(_ handler: SocketHandler, fd: Int32) {
        let i = Int(fd)
        if i >= byFD.count { byFD.append(contentsOf: repeatElement(nil, count: i + 64 - byFD.count)) }
        byFD[i] = handler
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
        guard i < byFD.count, let h = byFD[i] else { return }
        h.handleIO(events: events)
    }

    func finishIOBatch() {
        guard !retired.isEmpty else { return }
        for fd in retired { close(fd) }
        retired.removeAll(keepingCapacity: true)
    }

    // MARK: batched output

    /// Asks for `f.flush()` before the loop next waits (once, however often it is asked).
    func needsFlush(_ f: Flushable) {
        dirty.append(f)
    }

    func beforePoll() -> Bool {
        guard !dirty.isEmpty else { return false }
        repeat {
            let pending = dirty
            dirty.removeAll(keepingCapacity: true)
            for f in pending { f.flush() }
        } while !dirty.isEmpty
        return true
    }

    // MARK: deadlines

    func track(_ w: DeadlineTracked) {
        w.trackIndex = inflight.count
        inflight.append(w)
        if earliestDeadline == nil || w.deadline < earliestDeadline! { earliestDeadline = w.deadline }
    }

    func untrack(_ w: DeadlineTracked) {
        let i = w.trackIndex
        guard i >= 0 && i < inflight.count && inflight[i] === w else { return }
        let last = inflight.removeLast()
        if i < inflight.count {
            inflight[i] = last
            last.trackIndex = i
        }
        w.trackIndex = -1
    }

    var nextDeadline: UInt64? { earliestDeadline }

    func fire(now: UInt64) {
        earliestDeadline = nil
        let late = inflight.filter { $0.deadline <= now }
        for w in late { w.timeOut() }
        for w in inflight where earliestDeadline == nil || w.deadline < earliestDeadline! {
            earliestDeadline = w.deadline
        }
    }
}
