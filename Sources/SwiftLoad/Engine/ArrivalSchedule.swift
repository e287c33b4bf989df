/// The arrival times of a constant-rate schedule as one worker sees them: arrival `k` of the
/// whole test is due `k × interval` after the start, and worker `w` of `p` takes arrivals
/// `w, w + p, w + 2p, …`, so the workers' shares interleave evenly.
///
/// Pure logic: it takes instants and returns instants, so tests drive it with a manual clock.
struct ArrivalSchedule {
    let start: UInt64
    let intervalNanoseconds: Double
    let total: Int
    let stride: Int
    private(set) var next: Int

    init(start: UInt64, intervalNanoseconds: Double, total: Int, worker: Int, participants: Int) {
        self.start = start
        self.intervalNanoseconds = intervalNanoseconds
        self.total = total
        self.stride = max(1, participants)
        self.next = worker
    }

    var isExhausted: Bool { next >= total }

    /// When arrival `next` is due, or nil once the schedule is exhausted.
    var nextDeadline: UInt64? {
        isExhausted ? nil : start &+ UInt64((Double(next) * intervalNanoseconds).rounded())
    }

    /// Takes the earliest arrival due at or before `now` and returns its scheduled instant, or
    /// nil when none is due. A late caller gets every arrival it missed, one call each: catching
    /// up is the point of an open model.
    mutating func popDue(now: UInt64) -> UInt64? {
        guard let d = nextDeadline, d <= now else { return nil }
        next += stride
        return d
    }
}
