/// Everything recorded for one request name (or gRPC method) during one interval or one run.
///
/// A class so the recorder updates it in place: the hot path does one dictionary lookup per
/// request and then plain stores.
final class RequestMetrics {
    var requests = 0
    var failures = 0
    var bytesReceived = 0
    var bytesSent = 0
    /// From the intended start (the scheduled start in open models) to the last response byte.
    var duration = LatencyHistogram.latency()
    /// From the moment the request was really sent to the last byte: no coordinated-omission fix.
    var serviceTime = LatencyHistogram.latency()
    var blocked = LatencyHistogram.latency()     // DNS resolution
    var connecting = LatencyHistogram.latency()
    var tlsHandshaking = LatencyHistogram.latency()
    var sending = LatencyHistogram.latency()
    var waiting = LatencyHistogram.latency()     // time to first byte after sending
    var receiving = LatencyHistogram.latency()
    var statuses: [Int: Int] = [:]
    /// gRPC calls by status code (HTTP requests leave it empty).
    var grpcStatuses: [Int: Int] = [:]
    var errors: [ErrorClass: ErrorTally] = [:]

    func merge(_ o: RequestMetrics) {
        requests += o.requests
        failures += o.failures
        bytesReceived += o.bytesReceived
        bytesSent += o.bytesSent
        duration.add(o.duration)
        serviceTime.add(o.serviceTime)
        blocked.add(o.blocked)
        connecting.add(o.connecting)
        tlsHandshaking.add(o.tlsHandshaking)
        sending.add(o.sending)
        waiting.add(o.waiting)
        receiving.add(o.receiving)
        for (k, v) in o.statuses { statuses[k, default: 0] += v }
        for (k, v) in o.grpcStatuses { grpcStatuses[k, default: 0] += v }
        for (k, v) in o.errors { errors[k, default: ErrorTally(count: 0, sample: "")].merge(v) }
    }

    /// The histogram behind a trend metric name, as thresholds and reports address it.
    func histogram(for metric: TrendMetric) -> LatencyHistogram {
        switch metric {
        case .duration: return duration
        case .serviceTime: return serviceTime
        case .blocked: return blocked
        case .connecting: return connecting
        case .tlsHandshaking: return tlsHandshaking
        case .sending: return sending
        case .waiting: return waiting
        case .receiving: return receiving
        }
    }
}

/// The per-request duration metrics, named as k6 names them.
public enum TrendMetric: String, CaseIterable, Codable, Sendable {
    case duration = "http_req_duration"
    case serviceTime = "http_req_service_time"
    case blocked = "http_req_blocked"
    case connecting = "http_req_connecting"
    case tlsHandshaking = "http_req_tls_handshaking"
    case sending = "http_req_sending"
    case waiting = "http_req_waiting"
    case receiving = "http_req_receiving"
}
