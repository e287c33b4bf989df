/// How long a VU pauses between actions (think time).
public enum ThinkTime: Sendable, Equatable {
    /// Always the same.
    case constant(Duration)
    /// Uniformly between the bounds.
    case uniform(Duration, Duration)
    /// Exponentially distributed with this mean: the pauses of a Poisson process, as users who
    /// act independently of each other produce.
    case exponential(mean: Duration)

    /// A pause drawn from the distribution.
    func sample(_ rng: inout VURandom) -> Duration {
        switch self {
        case .constant(let d):
            return d
        case .uniform(let a, let b):
            let lo = min(a, b).nanoseconds, hi = max(a, b).nanoseconds
            return Duration(nanoseconds: lo == hi ? lo : UInt64.random(in: lo...hi, using: &rng))
        case .exponential(let mean):
            // Inverse transform: −mean · ln(U), U in (0, 1].
            let u = 1 - Double.random(in: 0..<1, using: &rng)
            return Duration(nanoseconds: UInt64(Double(mean.nanoseconds) * -Foundation.log(u)))
        }
    }
}

extension VU {
    /// Pauses for a think time drawn from `time`.
    nonisolated(nonsending) public func think(_ time: ThinkTime) async throws {
        try await sleep(time.sample(&random))
    }

    /// Pacing: sleeps until `interval` after the iteration started, so iterations start at a
    /// fixed rhythm whatever their requests took (no sleep when the iteration ran longer).
    nonisolated(nonsending) public func pace(_ interval: Duration) async throws {
        let due = iterationStart &+ interval.nanoseconds
        let now = MonotonicClock.now()
        if due > now { try await sleep(Duration(nanoseconds: due - now)) }
    }
}

/// A small, fast random number generator of each VU's own (SplitMix64): the system generator
/// makes a system call per number.
public struct VURandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

import Foundation
