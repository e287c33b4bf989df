/// An open model's arrival rate over time, piecewise linear, and when its arrivals are due.
///
/// The expected number of arrivals by time t is C(t), the integral of the rate. Arrival number j
/// is due when C reaches `first + j`, where `first` is 0 when the rate starts above zero (the first
/// iteration starts at once, as k6's does) and 1 when it starts at zero (the first iteration waits
/// until one whole arrival has accumulated). A constant rate r thus has arrivals at 0, 1/r, 2/r, …
struct ArrivalCurve: Equatable {
    struct Segment: Equatable {
        /// Length in nanoseconds.
        var duration: Double
        /// Arrivals per nanosecond at the segment's start and end.
        var startRate: Double
        var endRate: Double

        var count: Double { (startRate + endRate) / 2 * duration }
    }

    let segments: [Segment]

    init(segments: [Segment]) {
        self.segments = segments
    }

    /// A constant rate for `duration` nanoseconds.
    static func constant(perNanosecond rate: Double, duration: Double) -> ArrivalCurve {
        ArrivalCurve(segments: [Segment(duration: duration, startRate: rate, endRate: rate)])
    }

    var duration: Double { segments.reduce(0) { $0 + $1.duration } }
    /// The expected number of arrivals over the whole curve.
    var expected: Double { segments.reduce(0) { $0 + $1.count } }
    var first: Double { (segments.first?.startRate ?? 0) > 0 ? 0 : 1 }

    /// How many arrivals the schedule holds: those due strictly before the end.
    var count: Int {
        max(0, Int((expected - first - 1e-6).rounded(.up)))
    }

    /// The offset in nanoseconds at which C reaches `c`, found from segment `from` on (a cursor
    /// the caller keeps so a sequence of increasing `c` costs O(1) each).
    func offset(reaching c: Double, cursor: inout Cursor) -> Double? {
        while cursor.segment < segments.count {
            let s = segments[cursor.segment]
            let end = cursor.count + s.count
            if c <= end && s.count > 0 {
                // C(τ) = C0 + r0 τ + (r1 − r0) τ² / 2D; solve for τ in the stable form.
                let need = c - cursor.count
                let a = (s.endRate - s.startRate) / (2 * s.duration)
                let disc = max(0, s.startRate * s.startRate + 4 * a * need)
                let denominator = s.startRate + disc.squareRoot()
                let tau = denominator > 0 ? 2 * need / denominator : 0
                return cursor.start + min(max(tau, 0), s.duration)
            }
            cursor.start += s.duration
            cursor.count = end
            cursor.segment += 1
        }
        return nil
    }

    /// Where a walk through the segments is.
    struct Cursor {
        var segment = 0
        var start = 0.0     // ns offset of the segment
        var count = 0.0     // C at the segment's start
    }
}

/// One worker's share of an `ArrivalCurve`: arrival j of the whole test is due at its offset
/// after `start`. The process's execution segment owns some of the arrivals (`segment.global(k)`
/// is its k-th), and worker `w` of `p` takes the segment's arrivals `k = w, w + p, w + 2p, …`, so
/// the workers' shares interleave evenly and all segments together send exactly the arrivals of
/// one process, each at the same instant.
///
/// Pure logic: it takes instants and returns instants, so tests drive it with a manual clock.
struct ArrivalSchedule {
    let start: UInt64
    let curve: ArrivalCurve
    let segment: ExecutionSegment
    /// The segment's arrivals.
    let total: Int
    let stride: Int
    /// The segment's number of the next arrival this worker takes.
    private(set) var next: Int
    private var cursor = ArrivalCurve.Cursor()
    private(set) var nextDeadline: UInt64?

    init(start: UInt64, curve: ArrivalCurve, worker: Int, participants: Int, segment: ExecutionSegment = .whole) {
        self.start = start
        self.curve = curve
        self.segment = segment
        total = segment.count(curve.count)
        stride = max(1, participants)
        next = worker
        nextDeadline = nil
        nextDeadline = deadline(of: next)
    }

    var isExhausted: Bool { next >= total }

    private mutating func deadline(of k: Int) -> UInt64? {
        guard k < total else { return nil }
        let j = segment.global(k)
        guard let offset = curve.offset(reaching: curve.first + Double(j), cursor: &cursor) else { return nil }
        return start &+ UInt64(offset.rounded())
    }

    /// Takes the earliest arrival due at or before `now` and returns its scheduled instant, or
    /// nil when none is due. A late caller gets every arrival it missed, one call each: catching
    /// up is the point of an open model.
    mutating func popDue(now: UInt64) -> UInt64? {
        guard let d = nextDeadline, d <= now else { return nil }
        next += stride
        nextDeadline = deadline(of: next)
        return d
    }
}
