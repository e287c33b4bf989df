import Histogram

/// One request phase (DNS, connect, TLS, waiting, receiving) for one series: a histogram kept at
/// two significant digits (1 % resolution, ~2 KB instead of ~16 KB for the headline latency) and
/// created only when a non-zero value arrives, with zeros counted apart.
///
/// Most requests reuse a connection, so DNS, connect and TLS are zero for nearly all of them: a
/// series that never opened a connection in an interval carries no histogram for them at all.
struct PhaseHistogram {
    private(set) var zeros: UInt64 = 0
    private var values: LatencyHistogram?
    /// `values != nil`, kept apart: comparing an optional histogram with nil copies it through
    /// its generic value witness (about 100 instructions each time, callgrind).
    private var made = false

    /// An empty phase histogram in the shared phase shape (µs, 2 digits, growing as needed).
    static func shape() -> LatencyHistogram { LatencyHistogram.empty(digits: .two) }

    var totalCount: UInt64 { zeros &+ (values?.totalCount ?? 0) }

    init() {}

    /// A phase read back from a result file, zeros and all (`ResultMerge`).
    init(restoring h: LatencyHistogram) {
        guard h.totalCount > 0 else { return }
        // Back into the phase shape (2 digits): histograms of different shapes do not add.
        var v = Self.shape()
        if h.maxRecorded > v.highestTrackableValue { v.grow(toCover: h.maxRecorded) }
        for r in h.recordedValues() { v.record(r.value, count: UInt64(r.count)) }
        values = v
        made = true
    }

    @inline(__always)
    mutating func recordMicroseconds(_ us: UInt64) {
        if us == 0 { zeros &+= 1; return }
        if !made { values = Self.shape(); made = true }
        values!.recordMicroseconds(us)
    }

    mutating func add(_ o: PhaseHistogram) {
        zeros &+= o.zeros
        guard o.made, let v = o.values else { return }
        if !made { values = Self.shape(); made = true }
        values!.merge(v)
    }

    /// The phase as one histogram, zeros included (built on demand, for reports and thresholds).
    var histogram: LatencyHistogram {
        var h = values ?? Self.shape()
        if zeros > 0 { h.record(0, count: zeros) }
        return h
    }
}
