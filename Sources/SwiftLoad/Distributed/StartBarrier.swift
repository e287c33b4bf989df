import CEpoll
import Foundation

/// `--start-at`: the wall-clock instant at which every segment of a test starts its load, so that
/// processes on several machines (pods of an Indexed Job, Ray workers) send one schedule together.
///
/// Wall clock, not monotonic: the instant is agreed between machines, whose clocks NTP keeps
/// within milliseconds. A start already past begins at once, with a warning, since that segment
/// runs late against the others.
public enum StartBarrier {
    /// The furthest ahead a start may be (a day): further is almost surely a mistake in the value.
    static let maxWaitSeconds = 86_400.0

    /// `--start-at TIME`: an RFC 3339 time (`2026-12-03T10:00:00Z`, fractions allowed) or seconds
    /// since 1970 (`1796292000`, `1796292000.25`).
    public static func parse(_ text: String) -> Result<Double, ConfigurationError> {
        let t = text.trimmingSpaces()
        if let seconds = Double(t), seconds.isFinite, seconds > 0, !t.contains("e"), !t.contains("E") {
            return .success(seconds)
        }
        if let date = RFC3339.date(t) { return .success(date.timeIntervalSince1970) }
        return .failure(ConfigurationError(["--start-at \(text): expected an RFC 3339 time such as 2026-12-03T10:00:00Z or seconds since 1970"]))
    }

    /// Why `startAt` (seconds since 1970) cannot be waited for, or nil.
    static func problem(_ startAt: Double, now: Double = Date().timeIntervalSince1970) -> String? {
        guard startAt.isFinite else { return "--start-at must be a time (got \(startAt))" }
        if startAt - now > maxWaitSeconds {
            return "--start-at is \(DurationFormat.string(.seconds(Int64(startAt - now)))) away: at most a day ahead"
        }
        return nil
    }

    /// Sleeps until `startAt`; returns the stop signal that cut the wait short, or 0.
    static func wait(until startAt: Double, watchSignals: Bool, progress: ProgressView?) -> Int32 {
        let late = Date().timeIntervalSince1970 - startAt
        if late > 0.5 {
            progress?.warn("--start-at was \(String(format: "%.1f", late)) s ago: this segment starts now, late against the others")
            return 0
        }
        while true {
            let remaining = startAt - Date().timeIntervalSince1970
            if remaining <= 0 { return 0 }
            let slice = UInt64(min(remaining, 0.05) * 1e9)
            if watchSignals {
                let s = sl_wait_stop_signal(Int64(slice))
                if s != 0 { return s }
            } else {
                usleep(UInt32(slice / 1000))
            }
        }
    }
}
