#if !os(Linux)
#error("swiftload runs on Linux only: its event loop is epoll")
#endif
import CEpoll
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Receives readiness events for file descriptors it registered with `EventLoop.watch`.
protocol IOHandler: AnyObject {
    func handleIO(fd: Int32, events: UInt32)
    /// Called after each batch of events has been dispatched.
    func finishIOBatch()
}

extension IOHandler {
    func finishIOBatch() {}
}

/// A component with at most one pending deadline (curl's timeout, the arrival pacer, the 1 Hz
/// tick). The loop asks every source for its deadline each turn instead of keeping heap entries
/// for them, because curl moves its deadline several times per request.
protocol DeadlineSource: AnyObject {
    var nextDeadline: UInt64? { get }
    func fire(now: UInt64)
}

/// Called each turn after the tasks ran and before the loop waits: the place to write output
/// the tasks produced, once per turn rather than once per request.
protocol PrePollHandler: AnyObject {
    /// Writes what is pending; returns whether there was anything (the loop then reads the clock
    /// again before it computes how long to wait).
    func beforePoll() -> Bool
}

/// Something woken by a one-shot timer; the token lets it ignore a timer it has since abandoned.
protocol TimerTarget: AnyObject {
    func timerFired(token: UInt64)
}

/// One worker's event loop: epoll for sockets, a timer heap, and the run queue of the worker's
/// Swift tasks. Everything here runs on the worker's own thread; the only entry points for other
/// threads are `execute(_:)` and jobs enqueued from elsewhere, both behind a lock and an eventfd.
final class EventLoop {
    private enum Timer {
        case target(TimerTarget, UInt64)
        case closure(() -> Void)
    }

    private let epfd: Int32
    private let wakeFD: Int32
    private let eventCapacity: Int32 = 256
    private let events: UnsafeMutablePointer<epoll_event>
    private var handlers: [IOHandler?] = [nil]          // index = tag; tag 0 is the wake eventfd
    private var deadlineSources: [DeadlineSource] = []
    private var prePollHandlers: [PrePollHandler] = []
    private var timers = TimerHeap<Timer>()

    private var ready: [UnownedJob] = []
    private var running: [UnownedJob] = []
    private let remote = Mutex<RemoteQueue>(RemoteQueue())
    private var owner: pthread_t?
    private var stopRequested = false
    /// Counts turns of the loop (timers, jobs, poll); a task that sees the same turn across many
    /// of its own steps has not let the loop breathe.
    private(set) var turn: UInt64 = 0

    /// The executor this loop's tasks prefer; set by `LoopExecutor` when it is created.
    var unownedExecutor: UnownedTaskExecutor?

    private struct RemoteQueue: ~Copyable {
        var jobs: [UnownedJob] = []
        var calls: [@Sendable () -> Void] = []
        /// `dropRegistrations` ran: a call from another thread now would never run.
        var closed = false
    }

    init() {
        epfd = sl_epoll_create()
        wakeFD = sl_eventfd()
        precondition(epfd >= 0 && wakeFD >= 0, "epoll/eventfd unavailable: errno \(errno)")
        events = sl_epoll_events_alloc(eventCapacity)
        _ = sl_epoll_ctl(epfd, SL_EPOLL_CTL_ADD, wakeFD, SL_EPOLLIN, 0)
    }

    deinit {
        sl_epoll_events_free(events)
        close(epfd)
        close(wakeFD)
    }

    // MARK: registration

    /// Registers a handler and returns the tag to pass to `watch`.
    func register(_ handler: IOHandler) -> UInt32 {
        handlers.append(handler)
        return UInt32(handlers.count - 1)
    }

    func addDeadlineSource(_ source: DeadlineSource) {
        deadlineSources.append(source)
    }

    func addPrePollHandler(_ handler: PrePollHandler) {
        prePollHandlers.append(handler)
    }

    /// Forgets every handler, deadline source, timer and queued call once the loop has stopped
    /// for good. They hold what holds the loop (the worker registers itself as a deadline
    /// source), so without this a finished run's worker, loop, descriptors and connections
    /// would outlive it in a process that goes on (a test, a program using `LoadRunner`).
    func dropRegistrations() {
        handlers = [nil]
        deadlineSources = []
        prePollHandlers = []
        timers = TimerHeap()
        remote.withLock {
            $0.calls.removeAll()
            $0.closed = true
        }
    }

    /// Starts, changes or stops (`events == 0`) watching `fd` for the handler behind `tag`.
    func watch(fd: Int32, events: UInt32, tag: UInt32, alreadyWatched: Bool) {
        let data = UInt64(tag) << 32 | UInt64(UInt32(bitPattern: fd))
        // A closed descriptor leaves epoll by itself, so the caller's idea of what is watched can
        // be stale when a number is reused: fall back between ADD and MOD on the telling errors.
        if events == 0 {
            if alreadyWatched { _ = sl_epoll_ctl(epfd, SL_EPOLL_CTL_DEL, fd, 0, 0) }
        } else if alreadyWatched {
            if sl_epoll_ctl(epfd, SL_EPOLL_CTL_MOD, fd, events, data) != 0 && errno == ENOENT {
                _ = sl_epoll_ctl(epfd, SL_EPOLL_CTL_ADD, fd, events, data)
            }
        } else if sl_epoll_ctl(epfd, SL_EPOLL_CTL_ADD, fd, events, data) != 0 && errno == EEXIST {
            _ = sl_epoll_ctl(epfd, SL_EPOLL_CTL_MOD, fd, events, data)
        }
    }

    // MARK: timers

    func schedule(at deadline: UInt64, target: TimerTarget, token: UInt64) {
        timers.insert(deadline: deadline, .target(target, token))
    }

    func schedule(at deadline: UInt64, _ body: @escaping () -> Void) {
        timers.insert(deadline: deadline, .closure(body))
    }

    // MARK: jobs

    var isOnLoopThread: Bool {
        guard let owner else { return false }
        return pthread_equal(owner, pthread_self()) != 0
    }

    /// Queues a task job. From the loop's own thread this is a plain append (the hot path: every
    /// resumed continuation lands here); from any other thread it takes the lock and wakes the loop.
    func enqueue(_ job: UnownedJob) {
        if isOnLoopThread {
            ready.append(job)
        } else {
            remote.withLock { $0.jobs.append(job) }
            sl_eventfd_signal(wakeFD)
        }
    }

    /// Runs `body` on the loop's thread at its next turn. Safe from any thread. Once the loop
    /// has dropped its registrations (its worker is done), `body` is dropped too: kept, it would
    /// hold what it captured (a Ctrl-C arriving just then captures the worker) for ever.
    func execute(_ body: @escaping @Sendable () -> Void) {
        let queued = remote.withLock { queue in
            guard !queue.closed else { return false }
            queue.calls.append(body)
            return true
        }
        if queued { sl_eventfd_signal(wakeFD) }
    }

    /// Makes `run` return after the current turn. Call on the loop's thread.
    func stop() { stopRequested = true }

    // MARK: the loop

    /// Runs until `stop()` is called. The calling thread becomes the loop's thread.
    func run() {
        owner = pthread_self()
        while !stopRequested {
            turn &+= 1
            runReadyJobs()
            let now = MonotonicClock.now()
            // Whether anything ran after `now` was read. If nothing did (the usual turn of a
            // plain HTTP/1.1 run: the VUs ran above, no timer was due, no output was pending),
            // `now` is still current and the wait below is computed from it: one clock read per
            // turn fewer (~25 ns here, and a turn is about one request). After any work the
            // clock is read again, so a long batch of timers or jobs never delays a deadline.
            var worked = fireDueTimers(now: now)
            worked = runReadyJobs() || worked
            for h in prePollHandlers {
                if h.beforePoll() { worked = true }
            }
            worked = runReadyJobs() || worked
            if stopRequested { break }
            let timeout: Int64
            if !ready.isEmpty {
                timeout = 0
            } else if let deadline = earliestDeadline() {
                let t = worked ? MonotonicClock.now() : now
                timeout = deadline > t ? Int64(deadline - t) : 0
            } else {
                timeout = -1
            }
            poll(timeoutNanoseconds: timeout)
        }
        runReadyJobs()
    }

    /// Runs the queued jobs; returns whether there were any.
    @discardableResult
    private func runReadyJobs() -> Bool {
        guard let executor = unownedExecutor, !ready.isEmpty else { return false }
        // Jobs queued while running go to the next round; a few rounds per turn keep a chain of
        // resumptions fast without starving sockets and timers.
        var rounds = 0
        while !ready.isEmpty && rounds < 8 {
            swap(&ready, &running)
            for job in running {
                job.runSynchronously(on: executor)
            }
            running.removeAll(keepingCapacity: true)
            rounds += 1
        }
        return true
    }

    private func earliestDeadline() -> UInt64? {
        var best = timers.nextDeadline
        for source in deadlineSources {
            if let d = source.nextDeadline, best == nil || d < best! { best = d }
        }
        return best
    }

    /// Fires what is due at `now`; returns whether anything was.
    private func fireDueTimers(now: UInt64) -> Bool {
        var fired = false
        for source in deadlineSources {
            if let d = source.nextDeadline, d <= now {
                source.fire(now: now)
                fired = true
            }
        }
        while let timer = timers.popDue(now: now) {
            fired = true
            switch timer {
            case .target(let target, let token): target.timerFired(token: token)
            case .closure(let body): body()
            }
        }
        return fired
    }

    private func poll(timeoutNanoseconds: Int64) {
        let n = sl_epoll_wait_ns(epfd, events, eventCapacity, timeoutNanoseconds)
        defer { for case let h? in handlers { h.finishIOBatch() } }
        guard n > 0 else { return }
        for i in 0..<n {
            let data = sl_epoll_event_data(events, i)
            let flags = sl_epoll_event_flags(events, i)
            let tag = Int(data >> 32)
            if tag == 0 {
                sl_eventfd_drain(wakeFD)
                drainRemote()
            } else if tag < handlers.count, let handler = handlers[tag] {
                handler.handleIO(fd: Int32(bitPattern: UInt32(truncatingIfNeeded: data)), events: flags)
            }
        }
    }

    private func drainRemote() {
        let (jobs, calls) = remote.withLock { queue -> ([UnownedJob], [@Sendable () -> Void]) in
            defer { queue.jobs.removeAll(); queue.calls.removeAll() }
            return (queue.jobs, queue.calls)
        }
        ready.append(contentsOf: jobs)
        for call in calls { call() }
    }

    /// Cancels every pending timer without firing it and returns the abandoned targets' actions.
    func clearTimers() {
        _ = timers.removeAll()
    }
}

/// The task executor that runs a worker's virtual users on its event loop.
///
/// Virtual-user tasks are created with `Task(executorPreference:)` so every job of theirs, and
/// every nonisolated async function they call, runs on the worker's thread: no thread hop and no
/// lock per request.
final class LoopExecutor: TaskExecutor, @unchecked Sendable {
    // @unchecked: `loop` is only touched on its own thread except through `enqueue`, which is safe
    // from any thread.
    private let loop: EventLoop

    init(loop: EventLoop) {
        self.loop = loop
        loop.unownedExecutor = UnownedTaskExecutor(ordinary: self)
    }

    func enqueue(_ job: consuming ExecutorJob) {
        loop.enqueue(UnownedJob(job))
    }
}
