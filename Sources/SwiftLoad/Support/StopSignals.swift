import Glibc
import Synchronization

/// SIGINT and SIGTERM noted rather than obeyed, for a process that supervises child processes
/// (`swiftload sweep`): the supervisor passes the signal on to the child under way, lets it end
/// in its own way, and still writes what it has.
///
/// A handler, not a blocked mask and `sigtimedwait`: threads Foundation started earlier (for a
/// `Process`, say) have both signals unblocked, and one of them would take the signal and die of
/// it. The handler runs on whichever thread takes it and only stores the number.
public enum StopSignals {
    private static let taken = Atomic<Int32>(0)

    /// Installs the handler for both signals, and unblocks them in the calling thread: a
    /// process may start with them blocked (a child of a thread that blocks them inherits its
    /// mask), and a blocked signal would wait, unseen, until the sweep ended.
    public static func install() {
        _ = taken.load(ordering: .relaxed)   // initialised here: the handler must not be first
        var set = sigset_t()
        sigemptyset(&set)
        for s in [SIGINT, SIGTERM] {
            signal(s) { StopSignals.taken.store($0, ordering: .relaxed) }
            sigaddset(&set, s)
        }
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }

    /// The last signal taken since the previous call, if any.
    public static func take() -> Int32? {
        let s = taken.exchange(0, ordering: .relaxed)
        return s == 0 ? nil : s
    }
}
