/// Everything recorded for one request name (or gRPC method) during one interval or one run.
///
/// A class so the recorder updates it in place: the hot path does one dictionary lookup per
/// request and then plain stores. Sized for many series: the headline latency is one histogram
/// that grows only as far as the values recorded (16 KB for latencies under 2 ms), service time
/// shares it until the first request whose two differ, and phases are small and lazy
/// (`PhaseHistogram`).
final class RequestMetrics {
    var requests = 0
    var failures = 0
    var bytesReceived = 0
    var bytesSent = 0
    /// From the intended start (the scheduled start for an open-model iteration's first
    /// request) to the last response byte.
    private(set) var duration = LatencyHistogram.latency()
    /// Service time where it differs from `duration`; nil while every request's two were equal.
    private var distinctServiceTime: LatencyHistogram?
    /// `distinctServiceTime != nil`, kept apart for the hot path: comparing an optional histogram
    /// with nil copies it through its generic value witness (callgrind).
    private var serviceDiffers = false
    var blocked = PhaseHistogram()     // DNS resolution
    var connecting = PhaseHistogram()
    var tlsHandshaking = PhaseHistogram()
    var waiting = PhaseHistogram()     // time to first byte after sending
    var receiving = PhaseHistogram()
    var statuses = StatusCounts()
    /// gRPC calls by status code (HTTP requests leave it empty).
    var grpcStatuses = StatusCounts()
    var errors: [ErrorClass: ErrorTally] = [:]
    /// Message and token timing of streaming calls; nil for a series that never streamed.
    private(set) var stream: StreamMetrics?

    /// The stream metrics, created on first use.
    var streamMetrics: StreamMetrics {
        if let s = stream { return s }
        let s = StreamMetrics()
        stream = s
        return s
    }

    /// From the moment the request was really sent to the last byte: no coordinated-omission fix.
    var serviceTime: LatencyHistogram { distinctServiceTime ?? duration }

    init() {}

    /// Metrics read back from a result file (`ResultMerge`): `serviceTime` nil when it equals
    /// `duration`.
    init(duration: LatencyHistogram, serviceTime: LatencyHistogram?) {
        self.duration = duration
        distinctServiceTime = serviceTime
        serviceDiffers = serviceTime != nil
    }

    /// Records one request's duration and service time (nanoseconds).
    @inline(__always)
    func recordDuration(_ durationNs: UInt64, service serviceNs: UInt64) {
        let d = (durationNs &+ 500) / 1_000, s = (serviceNs &+ 500) / 1_000
        if !serviceDiffers && d != s { distinctServiceTime = duration; serviceDiffers = true }
        duration.recordMicroseconds(d)
        if serviceDiffers { distinctServiceTime!.recordMicroseconds(s) }
    }

    func merge(_ o: RequestMetrics) {
        requests += o.requests
        failures += o.failures
        bytesReceived += o.bytesReceived
        bytesSent += o.bytesSent
        if serviceDiffers || o.serviceDiffers {
            var s = serviceTime
            s.merge(o.serviceTime)
            distinctServiceTime = s
            serviceDiffers = true
        }
        duration.merge(o.duration)
        blocked.add(o.blocked)
        connecting.add(o.connecting)
        tlsHandshaking.add(o.tlsHandshaking)
        waiting.add(o.waiting)
        receiving.add(o.receiving)
        for (k, v) in o.statuses { statuses.add(k, v) }
        for (k, v) in o.grpcStatuses { grpcStatuses.add(k, v) }
        for (k, v) in o.errors { errors[k, default: ErrorTally(count: 0, sample: "")].merge(v) }
        if let os = o.stream { streamMetrics.merge(os) }
    }

    /// The histogram behind a trend metric name, as thresholds and reports address it.
    func histogram(for metric: TrendMetric) -> LatencyHistogram {
        switch metric {
        case .duration: return duration
        case .serviceTime: return serviceTime
        case .blocked: return blocked.histogram
        case .connecting: return connecting.histogram
        case .tlsHandshaking: return tlsHandshaking.histogram
        case .waiting: return waiting.histogram
        case .receiving: return receiving.histogram
        }
    }
}

/// The per-request duration metrics, named as k6 names them. (`http_req_sending` is not among
/// them: writing a request to a socket takes microseconds and no transport can time it apart
/// from the kernel's buffering, so it is not reported rather than reported as zero.)
public enum TrendMetric: String, CaseIterable, Codable, Sendable {
    case duration = "http_req_duration"
    case serviceTime = "http_req_service_time"
    case blocked = "http_req_blocked"
    case connecting = "http_req_connecting"
    case tlsHandshaking = "http_req_tls_handshaking"
    case waiting = "http_req_waiting"
    case receiving = "http_req_receiving"
}
