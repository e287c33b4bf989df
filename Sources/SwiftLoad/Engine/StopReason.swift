import Glibc

/// Why a run ended before its plan did: decided by the coordinator, carried typed to the exit
/// code and into the result (`run.stopKind`), so nothing reads it back out of message text.
public enum StopReason: Sendable, Equatable {
    /// SIGINT or SIGTERM: the run is partial.
    case signal(Int32)
    /// The script stopped it: `vu.abortTest`, a unique feeder that ran dry, unreadable test data.
    case script(String, exitCode: Int)
    /// An `abortOnFail` threshold failed.
    case threshold(String)

    /// What the reports say.
    public var description: String {
        switch self {
        case .signal(let s): return s == SIGTERM ? "SIGTERM" : "SIGINT"
        case .script(let reason, _), .threshold(let reason): return reason
        }
    }

    /// The process exit code it ends with.
    public var exitCode: Int {
        switch self {
        case .signal(let s): return s == SIGTERM ? LoadRunner.ExitCode.terminated : LoadRunner.ExitCode.interrupted
        case .script(_, let code): return code
        case .threshold: return LoadRunner.ExitCode.thresholdsFailed
        }
    }

    /// `run.stopKind` in the result: `signal`, `script` or `threshold`.
    public var kind: String {
        switch self {
        case .signal: return "signal"
        case .script: return "script"
        case .threshold: return "threshold"
        }
    }
}

extension RunInfo {
    /// Whether a signal (Ctrl-C, SIGTERM) ended the run; results written before `stopKind`
    /// existed say so by their reason's text.
    public var stoppedBySignal: Bool {
        guard interrupted else { return false }
        if let kind = stopKind { return kind == "signal" }
        return interruptReason?.hasPrefix("SIG") ?? true
    }
}
