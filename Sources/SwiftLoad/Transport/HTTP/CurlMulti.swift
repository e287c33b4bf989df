import CCurl
import CEpoll

/// One worker's libcurl multi handle, driven by the worker's epoll loop through curl's socket
/// interface (`curl_multi_socket_action`): curl says which sockets to watch and when its next
/// timeout is; the loop reports readiness back. Transfers finish in `drainCompletions`.
final class CurlMulti: IOHandler, DeadlineSource {
    let handle: UnsafeMutableRawPointer
    private unowned let loop: EventLoop
    private var tag: UInt32 = 0
    private var timeoutDeadline: UInt64?
    private var runningHandles: Int32 = 0
    /// Which file descriptors are currently in epoll, indexed by fd.
    private var watched: [Bool] = []
    /// `close` ran: the multi handle and the connections it kept are gone.
    private var closed = false

    /// Sets up libcurl once per process; must run before any worker starts.
    static func globalInit() {
        _ = curl_global_init(Int(CURL_GLOBAL_ALL))
    }

    init(loop: EventLoop) {
        guard let m = curl_multi_init() else { fatalError("curl_multi_init failed") }
        handle = m
        self.loop = loop
        tag = loop.register(self)
        loop.addDeadlineSource(self)
        let me = Unmanaged.passUnretained(self).toOpaque()
        _ = sl_multi_setopt_socket_cb(m, Self.socketCallback)
        _ = sl_multi_setopt_ptr(m, CURLMOPT_SOCKETDATA, me)
        _ = sl_multi_setopt_timer_cb(m, Self.timerCallback)
        _ = sl_multi_setopt_ptr(m, CURLMOPT_TIMERDATA, me)
        // curl's default cache holds 4 × the handles added at that moment. A VU's handle is out of
        // the multi handle between its transfers, so the default shrinks as VUs think and closes
        // keep-alive connections that are about to be reused. Idle connections cost a few kB.
        _ = sl_multi_setopt_long(m, CURLMOPT_MAXCONNECTS, 1 << 20)
    }

    deinit {
        close()
    }

    /// Closes the connections libcurl keeps for reuse (they belong to the multi handle, not to
    /// a VU's easy handle) once the run is over and every VU's transfer is out of it. Called by
    /// the worker while its loop still exists: curl tells it to stop watching each socket.
    func close() {
        guard !closed else { return }
        closed = true
        curl_multi_cleanup(handle)
    }

    // MARK: transfers

    func add(_ connection: CurlConnection) {
        guard !closed else { return }
        _ = curl_multi_add_handle(handle, connection.easy)
    }

    func remove(_ connection: CurlConnection) {
        guard !closed else { return }
        _ = curl_multi_remove_handle(handle, connection.easy)
    }

    private func drainCompletions() {
        var left: Int32 = 0
        while let msg = curl_multi_info_read(handle, &left) {
            guard msg.pointee.msg == CURLMSG_DONE, let easy = msg.pointee.easy_handle else { continue }
            let code = msg.pointee.data.result
            var priv: UnsafeMutablePointer<CChar>?
            _ = sl_easy_getinfo_ptr(easy, CURLINFO_PRIVATE, &priv)
            _ = curl_multi_remove_handle(handle, easy)
            if let priv {
                Unmanaged<CurlConnection>.fromOpaque(UnsafeRawPointer(priv)).takeUnretainedValue().finish(code)
            }
        }
    }

    // MARK: IOHandler, DeadlineSource

    func handleIO(fd: Int32, events: UInt32) {
        var flags: Int32 = 0
        if events & SL_EPOLLIN != 0 { flags |= Int32(SL_CURL_CSELECT_IN) }
        if events & SL_EPOLLOUT != 0 { flags |= Int32(SL_CURL_CSELECT_OUT) }
        if events & (SL_EPOLLERR | SL_EPOLLHUP) != 0 { flags |= Int32(SL_CURL_CSELECT_ERR) }
        _ = curl_multi_socket_action(handle, fd, flags, &runningHandles)
        drainCompletions()
    }

    var nextDeadline: UInt64? { timeoutDeadline }

    func fire(now: UInt64) {
        timeoutDeadline = nil
        _ = curl_multi_socket_action(handle, curl_socket_t(SL_CURL_SOCKET_TIMEOUT), 0, &runningHandles)
        drainCompletions()
    }

    // MARK: callbacks from libcurl

    private func updateSocket(_ fd: Int32, what: Int32) {
        var events: UInt32 = 0
        switch what {
        case Int32(SL_CURL_POLL_IN): events = SL_EPOLLIN
        case Int32(SL_CURL_POLL_OUT): events = SL_EPOLLOUT
        case Int32(SL_CURL_POLL_INOUT): events = SL_EPOLLIN | SL_EPOLLOUT
        default: events = 0
        }
        let index = Int(fd)
        if index >= watched.count { watched.append(contentsOf: repeatElement(false, count: index + 64 - watched.count)) }
        loop.watch(fd: fd, events: events, tag: tag, alreadyWatched: watched[index])
        watched[index] = events != 0
    }

    private static let socketCallback: curl_socket_callback = { _, fd, what, userp, _ in
        guard let userp else { return 0 }
        Unmanaged<CurlMulti>.fromOpaque(userp).takeUnretainedValue().updateSocket(fd, what: what)
        return 0
    }

    private static let timerCallback: curl_multi_timer_callback = { _, timeoutMs, userp in
        guard let userp else { return 0 }
        let me = Unmanaged<CurlMulti>.fromOpaque(userp).takeUnretainedValue()
        // -1 deletes the timer; 0 means "as soon as possible", which the loop's next turn honours.
        me.timeoutDeadline = timeoutMs < 0 ? nil : MonotonicClock.now() &+ UInt64(timeoutMs) &* 1_000_000
        return 0
    }
}
