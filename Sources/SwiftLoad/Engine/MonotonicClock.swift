#if canImport(Glibc)
import Glibc
#endif

/// Nanoseconds on CLOCK_MONOTONIC: the engine's only notion of time.
///
/// Instants are plain `UInt64` nanoseconds so the hot path stores and subtracts integers;
/// pure scheduling logic takes instants as arguments, which lets tests drive it with a manual clock.
public enum MonotonicClock {
    /// The current instant, in nanoseconds since an arbitrary fixed point.
    @inline(__always)
    public static func now() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }
}

extension Duration {
    /// Whole nanoseconds, clamped at zero (durations in load models are never negative).
    public var nanoseconds: UInt64 {
        let (s, atto) = components
        if s < 0 { return 0 }
        return UInt64(s) &* 1_000_000_000 &+ UInt64(atto / 1_000_000_000)
    }

    /// The duration in seconds as a floating-point number.
    public var seconds: Double {
        let (s, atto) = components
        return Double(s) + Double(atto) / 1e18
    }

    init(nanoseconds ns: UInt64) {
        self = .nanoseconds(Int64(clamping: ns))
    }
}
