import Foundation

/// `--out summary=PATH`: a compact JSON for dashboards and scripts, k6's `--summary-export`
/// shape (one object per metric) plus per-name rows. The full result is `--out json`.
public enum SummaryReport {
    public struct Summary: Codable, Sendable {
        public var schemaVersion: Int
        public var script: String?
        public var startTime: String
        public var durationSeconds: Double
        public var interrupted: Bool
        public var exitCode: Int
        public var thresholdsPassed: Bool
        public var metrics: [String: [String: Double]]
        public var byName: [String: [String: Double]]
        public var thresholds: [String: Bool]
    }

    /// With `gitlab`, `checks` is there even when the run had none (GitLab's load performance
    /// widget reads `checks`, `http_req_waiting`'s p(90) and p(95), and `http_reqs`' rate).
    public static func summary(_ r: RunResult, gitlab: Bool = false) -> Summary {
        func trend(_ t: TrendStats) -> [String: Double] {
            ["avg": t.avg, "min": t.min, "med": t.med, "p(90)": t.p90, "p(95)": t.p95, "p(99)": t.p99, "p(99.9)": t.p999, "max": t.max]
        }
        let seconds = max(r.run.durationSeconds, 0.001)
        let q = r.requests
        let iterations = r.scenarios.reduce(0) { $0 + $1.iterations }
        let dropped = r.scenarios.reduce(0) { $0 + $1.droppedIterations }
        let passes = r.checks.reduce(0) { $0 + $1.passes }, fails = r.checks.reduce(0) { $0 + $1.fails }
        var metrics: [String: [String: Double]] = [
            "http_reqs": ["count": Double(q.count), "rate": q.rps],
            "http_req_failed": ["rate": q.errorRate, "passes": Double(q.failures), "fails": Double(q.count - q.failures)],
            "http_req_duration": trend(q.duration),
            "http_req_service_time": trend(q.serviceTime),
            "http_req_waiting": trend(q.waiting),
            "iterations": ["count": Double(iterations), "rate": Double(iterations) / seconds],
            "dropped_iterations": ["count": Double(dropped), "rate": Double(dropped) / seconds],
            "data_received": ["count": Double(q.bytesReceived), "rate": Double(q.bytesReceived) / seconds],
            "data_sent": ["count": Double(q.bytesSent), "rate": Double(q.bytesSent) / seconds],
            "vus_max": ["value": Double(r.scenarios.reduce(0) { $0 + $1.vusMax })],
        ]
        if passes + fails > 0 || gitlab {
            metrics["checks"] = ["passes": Double(passes), "fails": Double(fails),
                                 "rate": passes + fails > 0 ? Double(passes) / Double(passes + fails) : 1]
        }
        // Streams and LLM calls, all names together (their histograms merge exactly).
        for t in StreamTrend.allCases {
            if let h = try? r.histogram(t.rawValue), h.totalCount > 0 { metrics[t.rawValue] = trend(TrendStats(h)) }
        }
        let llm = r.byName.compactMap(\.llm), streams = r.byName.compactMap(\.stream)
        if !streams.isEmpty {
            let n = Double(streams.reduce(0) { $0 + $1.messages })
            metrics["stream_messages"] = ["count": n, "rate": n / seconds]
        }
        if !llm.isEmpty {
            for (key, n) in [("llm_input_tokens", llm.reduce(0) { $0 + $1.inputTokens }),
                             ("llm_output_tokens", llm.reduce(0) { $0 + $1.outputTokens }),
                             ("llm_goodput", llm.reduce(0) { $0 + $1.goodCalls })] {
                metrics[key] = ["count": Double(n), "rate": Double(n) / seconds]
            }
        }
        var byName: [String: [String: Double]] = [:]
        for s in r.byName {
            byName[s.name] = ["count": Double(s.count), "rate": s.rps, "error_rate": s.errorRate, "med": s.duration.med,
                              "p(95)": s.duration.p95, "p(99)": s.duration.p99, "max": s.duration.max]
        }
        var thresholds: [String: Bool] = [:]
        for t in r.thresholds { thresholds["\(t.metric): \(t.condition)"] = t.passed }
        return Summary(schemaVersion: r.schemaVersion, script: r.run.script, startTime: r.run.startTime,
                       durationSeconds: r.run.durationSeconds, interrupted: r.run.interrupted, exitCode: r.exitCode,
                       thresholdsPassed: r.thresholds.allSatisfy(\.passed), metrics: metrics, byName: byName,
                       thresholds: thresholds)
    }

    public static func write(_ r: RunResult, to path: String, gitlab: Bool = false) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        try AtomicFile.write(try encoder.encode(summary(r, gitlab: gitlab)), to: path)
    }
}
