/// Everything a run produced, as written by `--out json=PATH` (schema: `docs/result-schema.md`,
/// `schema/result.schema.json`). Reports of every format are rendered from this value.
public struct RunResult: Codable, Sendable {
    /// Bumped on any change a reader of older files could trip over.
    public static let currentSchemaVersion = 2

    public var schemaVersion: Int
    public var tool: ToolInfo
    public var run: RunInfo
    public var options: OptionsEcho
    /// All requests together.
    public var requests: RequestGroupStats
    /// One entry per request name, sorted by name.
    public var byName: [RequestGroupStats]
    public var scenarios: [ScenarioStats]
    public var checks: [CheckStats]
    public var groups: [GroupStats]
    public var errors: [ErrorRow]
    /// Requests cancelled by a stop; not counted as successes or errors.
    public var interruptedRequests: Int
    /// HTTP/2 connection events (gRPC and h2c).
    public var http2: HTTP2Stats
    public var thresholds: [ThresholdOutcome]
    /// One point per second of the run (the last may be shorter).
    public var timeSeries: [TimeSeriesPoint]
    public var histograms: HistogramSet
    /// The process exit code this run ended with.
    public var exitCode: Int
    /// What the run noticed about itself, one line each (request names past the cap); absent
    /// when nothing.
    public var warnings: [String]?
    /// The servers' own metrics, scraped once a second with `--scrape`; absent without it. The
    /// per-second values sit in `timeSeries[].server`.
    public var serverMetrics: ServerMetricsResult?
}

public struct ToolInfo: Codable, Sendable {
    public var name: String
    public var version: String
    public var libcurl: String
}

public struct RunInfo: Codable, Sendable {
    /// The scenario file as given on the command line.
    public var script: String?
    /// Where requests went: `scheme://host:port` (`grpc://` for gRPC), sorted.
    public var targets: [String]
    /// Wall-clock start, ISO 8601 in UTC.
    public var startTime: String
    public var durationSeconds: Double
    public var plannedDurationSeconds: Double
    /// True when the run was stopped early (Ctrl-C, SIGTERM); numbers cover the part that ran.
    public var interrupted: Bool
    public var interruptReason: String?
    /// What stopped the run early: `signal`, `script` or `threshold` (absent when it ran its plan).
    public var stopKind: String?
    public var workers: Int
    /// CPU time (user + system) the load generator's process used while the load ran, so a
    /// reader can tell whether the generator was the bottleneck: `cpuSeconds / durationSeconds`
    /// cores. Nil in results written before it was recorded.
    public var cpuSeconds: Double?
    public var machine: MachineInfo
    /// The part of the test this process ran (`--segment`, e.g. `2/4`); absent for a whole
    /// test. A merged result names every segment it holds in `mergedSegments`.
    public var segment: ExecutionSegment?
    /// SHA-256 of the scenario file; `merge` refuses results of different scripts.
    public var scriptHash: String?
    /// SHA-256 of the effective options as `options` echoes them (scenarios, thresholds,
    /// timeouts); `merge` refuses results run with different options.
    public var optionsHash: String?
    /// A merged result: the segments it adds up, in order.
    public var mergedSegments: [ExecutionSegment]?
    /// A merged result that lacks a segment, or holds one that was interrupted or failed
    /// (`merge --allow-partial`): its numbers are not the whole test's.
    public var partial: Bool?
    /// Why a merged result is partial, one line per missing or incomplete segment.
    public var partialReasons: [String]?
    /// The load generator, not the target, limited this measurement (`GeneratorCheck`): a
    /// worker was saturated, iterations started late or were dropped. Absent when not.
    public var tainted: Bool?
    /// Why, one line each.
    public var taintReasons: [String]?
}

public struct MachineInfo: Codable, Sendable {
    public var hostname: String
    public var os: String
    public var arch: String
    public var cpus: Int
}

public struct OptionsEcho: Codable, Sendable {
    public var scenarios: [ScenarioEcho]
    /// Threshold conditions by metric key, from the script and `--threshold`.
    public var thresholds: [String: [String]]
    public var requestTimeoutSeconds: Double
    public var insecureSkipTLSVerify: Bool
    public var maxRedirects: Int
    /// Names of the `--env` variables set (values are not written: they may be secrets).
    public var envKeys: [String]
    /// Goodput SLOs of LLM calls in ms (`ttft`, `tpot`, `e2e`); absent when none is set.
    public var goodput: [String: Double]? = nil
    /// Where relative request URLs pointed (`Options.baseURL` or `--env BASE_URL`), without any
    /// credentials in it; absent when none was set.
    public var baseURL: String? = nil
}

public struct ScenarioEcho: Codable, Sendable {
    public var name: String
    public var executor: String
    public var description: String
    public var startTimeSeconds: Double
    public var gracefulStopSeconds: Double
    public var vus: Int?
    public var durationSeconds: Double?
    public var iterations: Int?
    public var rate: Int?
    public var timeUnitSeconds: Double?
    public var preAllocatedVUs: Int?
    public var maxVUs: Int?
    public var startVUs: Int?
    public var startRate: Int?
    public var stages: [StageEcho]?
    public var gracefulRampDownSeconds: Double?
    public var tags: [String: String]?
}

public struct StageEcho: Codable, Sendable {
    public var target: Int
    public var durationSeconds: Double
}

public struct RequestGroupStats: Codable, Sendable {
    /// The request name, `group::name` inside a group (`all` for totals).
    public var name: String
    public var count: Int
    public var failures: Int
    public var errorRate: Double
    /// Requests per second over the run's duration.
    public var rps: Double
    /// Bytes that crossed the wire for these requests, before TLS (`data_received`,
    /// `data_sent`): HTTP/2 frames as sent, header blocks compressed.
    public var bytesReceived: Int
    public var bytesSent: Int
    /// Responses by HTTP status ("0" for no response).
    public var statuses: [String: Int]
    /// gRPC calls by status code name (`OK`, `UNAVAILABLE`, …); empty for HTTP requests.
    public var grpcStatuses: [String: Int]
    /// From the intended start (scheduled start in open models) to the last byte.
    public var duration: TrendStats
    /// From the real start to the last byte (no coordinated-omission correction).
    public var serviceTime: TrendStats
    public var blocked: TrendStats
    public var connecting: TrendStats
    public var tlsHandshaking: TrendStats
    public var waiting: TrendStats
    public var receiving: TrendStats
    /// Streaming calls' messages (absent when none streamed).
    public var stream: StreamStats? = nil
    /// LLM calls' token timing, counts and goodput (absent when none).
    public var llm: LLMStats? = nil
}

public struct HTTP2Stats: Codable, Sendable {
    /// GOAWAY frames received (servers send one before closing a connection, e.g. nginx after
    /// 1,000 requests).
    public var goaways: Int
    /// Streams the server refused without processing them (REFUSED_STREAM, or beyond a GOAWAY's
    /// last stream id) that were sent again on another connection.
    public var refusedStreamsRetried: Int
}

public struct ScenarioStats: Codable, Sendable {
    public var name: String
    public var executor: String
    public var iterations: Int
    public var failedIterations: Int
    public var interruptedIterations: Int
    public var droppedIterations: Int
    /// Completed iterations per second over the run's duration.
    public var iterationRate: Double
    public var iterationDuration: TrendStats
    /// Open models: `iteration_start_lag`, how late iterations started against their schedule
    /// (absent for closed models). The first request of each iteration carries this lag.
    public var iterationStartLag: TrendStats?
    /// The most VUs the scenario had allocated.
    public var vusMax: Int
    /// The scenario's requests together, and by name.
    public var requests: RequestGroupStats
    public var byName: [RequestGroupStats]
    public var tags: [String: String]
}

public struct GroupStats: Codable, Sendable {
    /// The group path (`checkout::payment`).
    public var path: String
    /// `group_duration`: from entering the group to leaving it.
    public var duration: TrendStats
}

public struct CheckStats: Codable, Sendable {
    public var name: String
    public var passes: Int
    public var fails: Int
    public var rate: Double
}

public struct ErrorRow: Codable, Sendable {
    /// "request" for failed requests, "script" for iterations that threw.
    public var kind: String
    /// The request name or scenario.
    public var name: String
    /// An `ErrorClass` raw value for requests, "script" for script errors.
    public var errorClass: String
    public var sample: String
    public var count: Int
}

public struct TimeSeriesPoint: Codable, Sendable {
    /// Seconds from the start to the end of this interval.
    public var t: Double
    /// Length of the interval in seconds (1, or less for the last).
    public var seconds: Double
    public var requests: Int
    public var failures: Int
    public var rps: Double
    /// Request durations in this interval, all names together (ms).
    public var p50: Double
    public var p90: Double
    public var p95: Double
    public var p99: Double
    public var max: Double
    public var iterations: Int
    public var droppedIterations: Int
    /// VUs inside an iteration at the end of the interval.
    public var activeVUs: Int
    /// VUs allocated at the end of the interval.
    public var vus: Int
    public var bytesReceived: Int
    public var bytesSent: Int
    public var byName: [String: NamePoint]
    /// Per scenario: requests, failures, iterations and dropped iterations in this interval.
    public var byScenario: [String: ScenarioPoint]
    /// Server series scraped during this interval (`--scrape`), by name as in `serverMetrics`.
    public var server: [String: Double]? = nil
    /// LLM calls ended in this interval (absent when none).
    public var llm: LLMPoint? = nil
}

public struct ScenarioPoint: Codable, Sendable {
    public var requests = 0
    public var failures = 0
    public var iterations = 0
    public var droppedIterations = 0
    /// VUs at the end of the interval: running (closed models) or inside an iteration (open).
    public var vus = 0
}

public struct NamePoint: Codable, Sendable {
    public var requests: Int
    public var failures: Int
    public var p50: Double
    public var p95: Double
    public var p99: Double
    public var max: Double
}

public struct HistogramSet: Codable, Sendable {
    /// One entry per series (request name × group × scenario × tags), each with its duration
    /// metrics (`http_req_duration`, …): everything a threshold or a comparison can filter on.
    public var series: [SeriesHistograms]
    /// `iteration_duration` per scenario.
    public var iterations: [String: EncodedHistogram]
    /// `group_duration` per group path.
    public var groups: [String: EncodedHistogram]
    /// `iteration_start_lag` per open-model scenario.
    public var startLags: [String: EncodedHistogram]?
    /// Checks and group durations per scenario, so merged thresholds filter as live ones do.
    public var checks: [CheckSeries]?
    public var groupSeries: [GroupSeries]?
}

public struct SeriesHistograms: Codable, Sendable {
    public var name: String
    public var group: String
    public var scenario: String
    public var tags: [String: String]
    public var requests: Int
    public var failures: Int
    public var metrics: [String: EncodedHistogram]
    /// What else the series counted, so results merge exactly (absent in results written
    /// before merging existed).
    public var bytesReceived: Int?
    public var bytesSent: Int?
    /// Responses by HTTP status, and gRPC calls by numeric status code.
    public var statuses: [String: Int]?
    public var grpcStatuses: [String: Int]?
    public var errors: [SeriesError]?
    /// Stream and LLM counts (absent when the series did not stream); their histograms sit in
    /// `metrics` under their metric names (`llm_ttft`, …).
    public var stream: SeriesStreamCounts? = nil
}

/// A series' failed requests of one error class.
public struct SeriesError: Codable, Sendable {
    public var errorClass: String
    public var count: Int
    public var sample: String
}

/// A check's tallies where it ran (the `checks` table adds scenarios together).
public struct CheckSeries: Codable, Sendable {
    public var name: String
    public var group: String
    public var scenario: String
    public var passes: Int
    public var fails: Int
}

/// A group's durations in one scenario.
public struct GroupSeries: Codable, Sendable {
    public var path: String
    public var scenario: String
    public var histogram: EncodedHistogram
}
