/// What `swiftload run` hands to a compiled scenario: the command-line choices, as JSON in the
/// `SWIFTLOAD_RUN_CONFIG` environment variable. A scenario binary started without it runs with
/// its own options and prints the console summary only.
public struct RunConfig: Codable, Sendable, Equatable {
    public static let environmentKey = "SWIFTLOAD_RUN_CONFIG"

    /// The scenario file as the user named it (for reports).
    public var scriptPath: String?
    public var overrides: RunOverrides
    /// Worker threads; nil means `Options.workers`, else one per core.
    public var workers: Int?
    /// `--env KEY=VALUE` pairs, laid over the process environment.
    public var env: [String: String]
    public var outputs: [OutputSpec]
    /// Extra thresholds from `--threshold`, in the same grammar as the script's.
    public var thresholds: [String]
    public var quiet: Bool
    public var insecure: Bool
    /// Seconds between progress lines when standard error is not a terminal.
    public var plainProgressInterval: Int
    /// Print the plan and exit without running (`swiftload inspect`).
    public var inspectOnly: Bool
    /// This process's part of a test run by several (`--segment`); nil for the whole test.
    public var segment: ExecutionSegment?
    /// When the load starts, in seconds since 1970 (`--start-at`), so that segments on several
    /// machines start together; nil to start at once.
    public var startAt: Double?
    /// SHA-256 of the scenario file, recorded so `merge` refuses results of different scripts.
    public var scriptHash: String?
    /// `--strict`: a tainted run (the generator limited it) ends with exit code 97.
    public var strict: Bool
    /// `--scrape URL`: Prometheus endpoints scraped besides the script's `scrape.targets`.
    public var scrape: [String]
    /// `--scrape-include PREFIX`: metric families kept, besides the script's `scrape.include`.
    public var scrapeInclude: [String]
    /// `--goodput KEY:DURATION`: the goodput SLOs, replacing the script's when any is given.
    public var goodput: [String]
    /// `--dashboard`: where the live dashboard serves its page (`HOST:PORT`); nil for none.
    public var dashboard: String?

    public init(scriptPath: String? = nil, overrides: RunOverrides = RunOverrides(), workers: Int? = nil,
                env: [String: String] = [:], outputs: [OutputSpec] = [], thresholds: [String] = [],
                quiet: Bool = false, insecure: Bool = false, plainProgressInterval: Int = 10,
                inspectOnly: Bool = false, segment: ExecutionSegment? = nil, startAt: Double? = nil,
                scriptHash: String? = nil, strict: Bool = false, scrape: [String] = [], scrapeInclude: [String] = [],
                goodput: [String] = [], dashboard: String? = nil) {
        self.goodput = goodput
        self.dashboard = dashboard
        self.inspectOnly = inspectOnly
        self.scrape = scrape
        self.scrapeInclude = scrapeInclude
        self.strict = strict
        self.segment = segment
        self.startAt = startAt
        self.scriptHash = scriptHash
        self.scriptPath = scriptPath
        self.overrides = overrides
        self.workers = workers
        self.env = env
        self.outputs = outputs
        self.thresholds = thresholds
        self.quiet = quiet
        self.insecure = insecure
        self.plainProgressInterval = plainProgressInterval
    }
}

extension RunConfig {
    /// Every field is optional on the wire, so a hand-written configuration (benchmarks, a
    /// scenario binary run directly) names only what it changes.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(scriptPath: try c.decodeIfPresent(String.self, forKey: .scriptPath),
                  overrides: try c.decodeIfPresent(RunOverrides.self, forKey: .overrides) ?? RunOverrides(),
                  workers: try c.decodeIfPresent(Int.self, forKey: .workers),
                  env: try c.decodeIfPresent([String: String].self, forKey: .env) ?? [:],
                  outputs: try c.decodeIfPresent([OutputSpec].self, forKey: .outputs) ?? [],
                  thresholds: try c.decodeIfPresent([String].self, forKey: .thresholds) ?? [],
                  quiet: try c.decodeIfPresent(Bool.self, forKey: .quiet) ?? false,
                  insecure: try c.decodeIfPresent(Bool.self, forKey: .insecure) ?? false,
                  plainProgressInterval: try c.decodeIfPresent(Int.self, forKey: .plainProgressInterval) ?? 10,
                  inspectOnly: try c.decodeIfPresent(Bool.self, forKey: .inspectOnly) ?? false,
                  segment: try c.decodeIfPresent(ExecutionSegment.self, forKey: .segment),
                  startAt: try c.decodeIfPresent(Double.self, forKey: .startAt),
                  scriptHash: try c.decodeIfPresent(String.self, forKey: .scriptHash),
                  strict: try c.decodeIfPresent(Bool.self, forKey: .strict) ?? false,
                  scrape: try c.decodeIfPresent([String].self, forKey: .scrape) ?? [],
                  scrapeInclude: try c.decodeIfPresent([String].self, forKey: .scrapeInclude) ?? [],
                  goodput: try c.decodeIfPresent([String].self, forKey: .goodput) ?? [],
                  dashboard: try c.decodeIfPresent(String.self, forKey: .dashboard))
    }
}

/// `--out FORMAT=PATH`.
public struct OutputSpec: Codable, Sendable, Equatable {
    public var format: String
    public var path: String

    public init(format: String, path: String) {
        self.format = format
        self.path = path
    }

    /// The formats `--out` accepts.
    public static let formats = ReportWriter.formats.map(\.name)

    /// The file name ending a report of `format` gets when `--out` names no path.
    public static func defaultSuffix(_ format: String) -> String {
        switch format {
        case "junit": return ".xml"
        case "summary": return "-summary.json"
        case "markdown": return ".md"
        case "gitlab": return "-load-performance.json"
        default: return "." + format
        }
    }
}

/// Quick-run overrides from the command line (`--vus`, `--duration`, `--rate`, `--iterations`).
///
/// They apply to every scenario of the script:
/// - `--rate R` makes the scenario a constant arrival rate of R iterations per second (its VUs,
///   or `--vus`, as the pre-allocated and maximum VUs); with `--iterations N` it lasts exactly N
///   arrivals, else `--duration` or the scenario's own length.
/// - otherwise `--iterations N` makes it N shared iterations (per VU for per-VU iterations),
///   bounded by `--duration` if given;
/// - otherwise `--vus` and `--duration` set the VU count and the duration (the maximum duration of
///   iteration-bound executors). A ramping-VUs scenario becomes constant VUs (its peak, unless
///   `--vus`); an open-model scenario keeps its rate and takes `--vus` as pre-allocated VUs.
/// A script without scenarios gets one named "default" built from the overrides (1 VU and one
/// iteration when there are none, as k6 does).
public struct RunOverrides: Codable, Sendable, Equatable {
    public var vus: Int?
    public var duration: Duration?
    /// Iterations per second; fractional rates (`0.5`) become a whole number per a longer time
    /// unit (1 per 2 s).
    public var rate: Double?
    public var iterations: Int?
    /// Every scenario becomes this many constant VUs, open models too (`swiftload sweep`'s
    /// concurrency steps, as perf_analyzer's `--concurrency-range`).
    public var concurrency: Int?

    public init(vus: Int? = nil, duration: Duration? = nil, rate: Double? = nil, iterations: Int? = nil,
                concurrency: Int? = nil) {
        self.vus = vus
        self.duration = duration
        self.rate = rate
        self.iterations = iterations
        self.concurrency = concurrency
    }

    /// Every problem with the overrides, worded with their flags.
    public func validate() -> [String] {
        var problems: [String] = []
        if let rate {
            if !rate.isFinite || rate <= 0 { problems.append("--rate must be a positive number (got \(rate))") }
            else if rate > Limits.maxRatePerSecond { problems.append("--rate must be at most \(NumberFormat.grouped(Int(Limits.maxRatePerSecond))) per second (got \(rate))") }
            else if Self.wholeRate(rate) == nil { problems.append("--rate \(rate) has more than 3 decimals; give iterations per longer unit in the script (per:)") }
        }
        if let vus {
            if vus < 1 { problems.append("--vus must be at least 1 (got \(vus))") }
            Limits.check("--vus", vus, atMost: Limits.maxVUs, into: &problems)
        }
        if let iterations {
            if iterations < 1 { problems.append("--iterations must be at least 1 (got \(iterations))") }
            Limits.check("--iterations", iterations, atMost: Limits.maxIterations, into: &problems)
        }
        if let concurrency {
            if concurrency < 1 { problems.append("the concurrency must be at least 1 VU (got \(concurrency))") }
            Limits.check("the concurrency", concurrency, atMost: Limits.maxVUs, into: &problems)
        }
        if let duration {
            if duration <= .zero { problems.append("--duration must be positive (got \(DurationFormat.string(duration)))") }
            Limits.check("--duration", duration, into: &problems)
        }
        return problems
    }

    /// `rate` per second as a whole number of iterations per a time unit of 1, 10, 100 or
    /// 1,000 s (0.5/s → 5 per 10 s), or nil when it needs finer.
    static func wholeRate(_ rate: Double) -> (rate: Int, timeUnit: Duration)? {
        for unit in [1, 10, 100, 1000] {
            let n = rate * Double(unit)
            if abs(n - n.rounded()) < 1e-9 * max(1, n), n.rounded() >= 1 { return (Int(n.rounded()), .seconds(unit)) }
        }
        return nil
    }

    public var isEmpty: Bool { vus == nil && duration == nil && rate == nil && iterations == nil && concurrency == nil }

    /// `options` with the overrides applied.
    public func apply(to options: Options) -> Options {
        var result = options
        if result.scenarios.isEmpty {
            result.scenarios["default"] = isEmpty
                ? .sharedIterations(vus: 1, iterations: 1)
                : .constantVUs(vus ?? 1, duration: duration ?? .seconds(10))
            if isEmpty { return result }
        }
        guard !isEmpty else { return result }
        for (name, scenario) in result.scenarios {
            var s = scenario
            s.executor = apply(to: scenario.executor)
            result.scenarios[name] = s
        }
        return result
    }

    private func apply(to executor: Executor) -> Executor {
        let length = duration ?? executor.activeDuration
        if let concurrency { return .constantVUs(ConstantVUs(vus: concurrency, duration: length)) }
        if let rate, let whole = Self.wholeRate(rate) {
            let vus = self.vus ?? executor.maxVUs
            var a = ConstantArrivalRate(rate: whole.rate, timeUnit: whole.timeUnit, duration: length, preAllocatedVUs: vus, maxVUs: vus)
            if case .constantArrivalRate(let old) = executor { a.maxVUs = max(vus, old.maxVUs); a.preAllocatedVUs = self.vus ?? old.preAllocatedVUs }
            if case .rampingArrivalRate(let old) = executor { a.maxVUs = max(vus, old.maxVUs); a.preAllocatedVUs = self.vus ?? old.preAllocatedVUs }
            if let iterations { a.duration = Self.duration(of: iterations, at: a) }
            return .constantArrivalRate(a)
        }
        switch executor {
        case .constantArrivalRate(var a):
            if let vus { a.preAllocatedVUs = vus; a.maxVUs = max(a.maxVUs, vus) }
            if let duration { a.duration = duration }
            if let iterations { a.duration = Self.duration(of: iterations, at: a) }
            return .constantArrivalRate(a)
        case .rampingArrivalRate(var a):
            if let vus { a.preAllocatedVUs = vus; a.maxVUs = max(a.maxVUs, vus) }
            if duration != nil || iterations != nil {
                // A quick run of a ramp: hold its peak rate.
                let peak = max(a.startRate, a.stages.map(\.target).max() ?? 0)
                var c = ConstantArrivalRate(rate: max(1, peak), timeUnit: a.timeUnit, duration: length,
                                            preAllocatedVUs: a.preAllocatedVUs, maxVUs: a.maxVUs)
                if let iterations { c.duration = Self.duration(of: iterations, at: c) }
                return .constantArrivalRate(c)
            }
            return .rampingArrivalRate(a)
        case .perVUIterations(var c):
            if let vus { c.vus = vus }
            if let iterations { c.iterations = iterations }
            if let duration { c.maxDuration = duration }
            return .perVUIterations(c)
        default:
            let vus = self.vus ?? executor.maxVUs
            if let iterations {
                let bound: Duration
                if let duration { bound = duration }
                else if case .sharedIterations(let c) = executor { bound = c.maxDuration }
                else { bound = max(executor.activeDuration, .seconds(600)) }
                return .sharedIterations(SharedIterations(vus: vus, iterations: iterations, maxDuration: bound))
            }
            if case .sharedIterations(var c) = executor {
                if let v = self.vus { c.vus = v }
                if let duration { c.maxDuration = duration }
                return .sharedIterations(c)
            }
            return .constantVUs(ConstantVUs(vus: vus, duration: length))
        }
    }

    /// The duration that holds exactly `iterations` arrivals of `a`'s schedule.
    private static func duration(of iterations: Int, at a: ConstantArrivalRate) -> Duration {
        guard a.rate > 0, a.timeUnit > .zero else { return a.duration }
        // In seconds, clamped: a schedule too long for nanoseconds comes out over the duration
        // limit, so validation names it instead of the conversion trapping.
        let seconds = (Double(max(0, iterations)) * a.intervalNanoseconds / 1e9)
        guard seconds.isFinite, seconds < 1e9 else { return .seconds(Int64(1e9)) }
        return .nanoseconds(Int64((seconds * 1e9).rounded(.up)))
    }
}
