import CCurl
import Foundation
import Synchronization

/// `--out prometheus-rw=URL`: the run's per-second metrics pushed to a Prometheus remote write
/// receiver (Prometheus with `--web.enable-remote-write-receiver`, Mimir, Thanos, VictoriaMetrics,
/// Grafana Cloud) while the run goes, named as k6's Prometheus output names them with
/// `swiftload_` in front (`SWIFTLOAD_PROMETHEUS_PREFIX=k6_` reuses k6's Grafana dashboards as
/// they are):
///
/// - counters, cumulative: `http_reqs_total`, `http_req_failed_total`, `iterations_total`,
///   `dropped_iterations_total`, `data_received_bytes_total`, `data_sent_bytes_total`,
///   `llm_output_tokens_total`, `llm_goodput_total`;
/// - gauges: `vus`, `vus_max`, `http_req_failed_rate`;
/// - trends, as k6 sends them by default, one gauge per statistic, in seconds:
///   `http_req_duration_p50`, `_p90`, `_p95`, `_p99`, `_max` (and `llm_ttft_p50`, `_p99`,
///   `llm_itl_p50`, `_p99`);
/// - and `http_req_duration` (all requests) as a cumulative native histogram in seconds (schema
///   3: buckets 9 % wide), for `histogram_quantile` over any window, where the receiver takes
///   native histograms (Prometheus with `--enable-feature=native-histograms`). A receiver that
///   refuses them gets the same push again without, and no more after.
///
/// Requests are labelled by `name` for the busiest names of each second (at most 20, as the
/// time series keeps them), so label cardinality is bounded however many names the run has; the
/// series without a `name` label count every request. Every series carries `testid` (from
/// `--env TESTID`, else the run's start time) so runs can be told apart.
///
/// Pushes happen on a thread of their own, once a second, each with a 10 s timeout; a receiver
/// that fails is reported, not fatal: the run goes on and the end says how many pushes failed.
public final class PrometheusRemoteWriter: @unchecked Sendable {
    // @unchecked: `point` is called on the coordinator's thread only; the queue is a Mutex.
    private let url: String
    private let prefix: String
    private let baseLabels: [(String, String)]
    private let startMs: Int64
    private var totals: [String: Double] = [:]
    /// Every request duration so far, for the native histogram.
    private var durations = LatencyHistogram.latency()
    private let queue = Mutex<(requests: [RemoteWriteRequest], closed: Bool)>(([], false))
    /// Cleared when the receiver refuses native histograms.
    private let sendsHistograms = Atomic<Bool>(true)
    private let wake = DispatchSemaphore(value: 0)
    private let done = DispatchSemaphore(value: 0)
    private let outcome = Mutex<(pushes: Int, failures: Int, lastError: String?)>((0, 0, nil))
    /// Pushes waiting at most (a receiver that keeps failing must not hold the whole run in memory).
    static let maxQueued = 300

    public init(url: String, start: Date, env: [String: String]) {
        self.url = url
        prefix = env["SWIFTLOAD_PROMETHEUS_PREFIX"] ?? ProcessInfo.processInfo.environment["SWIFTLOAD_PROMETHEUS_PREFIX"] ?? "swiftload_"
        startMs = Int64(start.timeIntervalSince1970 * 1000)
        baseLabels = [("testid", env["TESTID"] ?? RFC3339.string(start))]
        let thread = Thread { [self] in sendLoop() }
        thread.name = "swiftload-prometheus-rw"
        thread.start()
    }

    /// The series of one closed second (`h`: its request durations), queued for the sender.
    public func interval(_ p: TimeSeriesPoint, _ h: LatencyHistogram) {
        durations.merge(h)
        let at = startMs + Int64((p.t * 1000).rounded())
        var request = RemoteWriteRequest()
        func add(_ name: String, _ value: Double, _ labels: [(String, String)] = []) {
            guard value.isFinite else { return }
            request.series.append(.init(labels: [("__name__", prefix + name)] + baseLabels + labels, value: value, timestamp: at))
        }
        func counter(_ name: String, _ increase: Int, _ labels: [(String, String)] = []) {
            let key = name + labels.map { "\u{1}\($0.0)=\($0.1)" }.joined()
            totals[key, default: 0] += Double(increase)
            add(name, totals[key]!, labels)
        }
        counter("http_reqs_total", p.requests)
        counter("http_req_failed_total", p.failures)
        counter("iterations_total", p.iterations)
        counter("dropped_iterations_total", p.droppedIterations)
        counter("data_received_bytes_total", p.bytesReceived)
        counter("data_sent_bytes_total", p.bytesSent)
        add("vus", Double(p.activeVUs))
        add("vus_max", Double(p.vus))
        if p.requests > 0 {
            add("http_req_failed_rate", Double(p.failures) / Double(p.requests))
            for (stat, v) in [("p50", p.p50), ("p90", p.p90), ("p95", p.p95), ("p99", p.p99), ("max", p.max)] {
                add("http_req_duration_" + stat, v / 1000)
            }
        }
        for (name, n) in p.byName.sorted(by: { $0.key < $1.key }) {
            let label = [("name", name)]
            counter("http_reqs_total", n.requests, label)
            counter("http_req_failed_total", n.failures, label)
            guard n.requests > 0 else { continue }
            for (stat, v) in [("p50", n.p50), ("p95", n.p95), ("p99", n.p99), ("max", n.max)] {
                add("http_req_duration_" + stat, v / 1000, label)
            }
        }
        if let l = p.llm {
            counter("llm_output_tokens_total", l.outputTokens)
            counter("llm_goodput_total", l.goodCalls)
            for (stat, v) in [("llm_ttft_p50", l.ttftP50), ("llm_ttft_p99", l.ttftP99), ("llm_itl_p50", l.itlP50), ("llm_itl_p99", l.itlP99)] {
                add(stat, v / 1000)
            }
        }
        if durations.totalCount > 0 {
            request.histograms.append(Self.native(durations, labels: [("__name__", prefix + "http_req_duration")] + baseLabels, at: at))
        }
        let dropped = queue.withLock { q -> Bool in
            guard q.requests.count < Self.maxQueued else { return true }
            q.requests.append(request)
            return false
        }
        if dropped { outcome.withLock { $0.failures += 1; $0.lastError = "the receiver fell \(Self.maxQueued) pushes behind" } }
        wake.signal()
    }

    /// Sends what is queued (waiting at most `timeout`) and says how the pushes went: nil when
    /// all succeeded.
    public func finish(timeout: Duration = .seconds(15)) -> String? {
        queue.withLock { $0.closed = true }
        wake.signal()
        let waited = done.wait(timeout: .now() + .milliseconds(Int(timeout.components.seconds * 1000)))
        let o = outcome.withLock { $0 }
        if waited == .timedOut {
            return "prometheus-rw: the receiver at \(url) did not take the last pushes within \(timeout)"
        }
        guard o.failures > 0 else { return nil }
        return "prometheus-rw: \(o.failures) of \(o.pushes) pushes to \(url) failed (last: \(o.lastError ?? "?"))"
    }

    private func sendLoop() {
        while true {
            wake.wait()
            while var request = queue.withLock({ q -> RemoteWriteRequest? in q.requests.isEmpty ? nil : q.requests.removeFirst() }) {
                if !sendsHistograms.load(ordering: .relaxed) { request.histograms.removeAll() }
                guard let body = request.body() else { continue }
                var error = Self.post(body, to: url)
                if let e = error, !request.histograms.isEmpty, e.hasPrefix("HTTP "), e.lowercased().contains("histogram") {
                    // The receiver does not take native histograms: the statistics' gauges carry the trend.
                    sendsHistograms.store(false, ordering: .relaxed)
                    request.histograms.removeAll()
                    error = request.body().flatMap { Self.post($0, to: url) }
                }
                outcome.withLock {
                    $0.pushes += 1
                    if let error { $0.failures += 1; $0.lastError = error }
                }
            }
            if queue.withLock({ $0.closed && $0.requests.isEmpty }) {
                done.signal()
                return
            }
        }
    }

    /// `h` (µs) as a Prometheus native histogram in seconds at schema 3: bucket i holds the
    /// values in (2^((i-1)/8), 2^(i/8)] s; zeros go to the zero bucket. The sum is the buckets'
    /// values times their counts (HdrHistogram keeps no exact sum: within its 0.1 % precision).
    static func native(_ h: LatencyHistogram, labels: [(String, String)], at: Int64) -> RemoteWriteRequest.NativeHistogram {
        var buckets: [Int32: UInt64] = [:]
        var zero: UInt64 = 0, sum = 0.0
        for r in h.recordedValues() {
            let count = UInt64(r.count)
            guard r.value > 0 else { zero += count; continue }
            let seconds = Double(r.value) / 1e6
            sum += seconds * Double(count)
            let index = Int32((log2(seconds) * 8 - 1e-9).rounded(.up))
            buckets[index, default: 0] += count
        }
        return RemoteWriteRequest.NativeHistogram(labels: labels, count: h.totalCount, sum: sum, schema: 3, zeroCount: zero,
                                                  buckets: buckets.sorted { $0.key < $1.key }.map { ($0.key, $0.value) },
                                                  timestamp: at)
    }

    /// One push; the error, or nil when the receiver took it (2xx).
    private static func post(_ body: [UInt8], to url: String) -> String? {
        guard let easy = curl_easy_init() else { return "curl_easy_init failed" }
        defer { curl_easy_cleanup(easy) }
        var headers: UnsafeMutablePointer<curl_slist>? = nil
        for h in ["Content-Type: application/x-protobuf", "Content-Encoding: snappy",
                  "X-Prometheus-Remote-Write-Version: 0.1.0", "User-Agent: swiftload/\(SwiftLoadVersion.current)"] {
            headers = curl_slist_append(headers, h)
        }
        defer { curl_slist_free_all(headers) }
        let sink = ResponseSink()
        let box = Unmanaged.passUnretained(sink).toOpaque()
        _ = url.withCString { sl_easy_setopt_str(easy, CURLOPT_URL, $0) }
        _ = sl_easy_setopt_long(easy, CURLOPT_NOSIGNAL, 1)
        _ = sl_easy_setopt_long(easy, CURLOPT_TIMEOUT_MS, 10_000)
        _ = sl_easy_setopt_str(easy, CURLOPT_PROTOCOLS_STR, "http,https")
        _ = sl_easy_setopt_slist(easy, CURLOPT_HTTPHEADER, headers)
        _ = sl_easy_setopt_long(easy, CURLOPT_POSTFIELDSIZE, body.count)
        _ = sl_easy_setopt_write_cb(easy, CURLOPT_WRITEFUNCTION) { data, size, count, user in
            let sink = Unmanaged<ResponseSink>.fromOpaque(user!).takeUnretainedValue()
            let n = size * count
            if let data, sink.bytes.count < 512 { sink.bytes.append(contentsOf: UnsafeRawBufferPointer(start: data, count: min(n, 512))) }
            return n
        }
        _ = sl_easy_setopt_ptr(easy, CURLOPT_WRITEDATA, box)
        let code = body.withUnsafeBytes { b -> CURLcode in
            _ = sl_easy_setopt_ptr(easy, CURLOPT_POSTFIELDS, b.baseAddress)
            return curl_easy_perform(easy)
        }
        guard code == CURLE_OK else { return String(cString: curl_easy_strerror(code)) }
        var status = 0
        _ = sl_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
        guard (200..<300).contains(status) else {
            let text = String(decoding: sink.bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            return "HTTP \(status)" + (text.isEmpty ? "" : ": \(text)")
        }
        return nil
    }

    private final class ResponseSink {
        var bytes: [UInt8] = []
    }
}
