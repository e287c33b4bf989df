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

    public init(scriptPath: String? = nil, overrides: RunOverrides = RunOverrides(), workers: Int? = nil,
                env: [String: String] = [:], outputs: [OutputSpec] = [], thresholds: [String] = [],
                quiet: Bool = false, insecure: Bool = false, plainProgressInterval: Int = 10) {
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

/// `--out FORMAT=PATH`.
public struct OutputSpec: Codable, Sendable, Equatable {
    public var format: String
    public var path: String

    public init(format: String, path: String) {
        self.format = format
        self.path = path
    }

    /// The formats `--out` accepts.
    public static let formats = ["json"]
}

/// Quick-run overrides from the command line (`--vus`, `--duration`, `--rate`, `--iterations`).
///
/// They apply to every scenario of the script:
/// - constant VUs: `--vus` sets the VU count, `--duration` the duration, `--iterations` makes the
///   scenario share that many iterations (bounded by `--duration` if given); `--rate` turns it
///   into a constant arrival rate with its VUs as the pre-allocated and maximum VUs.
/// - constant arrival rate: `--rate` sets iterations per second, `--vus` the pre-allocated VUs
///   (raising the maximum if needed), `--duration` the duration, `--iterations` the number of
///   arrivals (the duration becomes exactly that many intervals).
/// A script without scenarios gets one named "default" built from the overrides (1 VU and one
/// iteration when there are none, as k6 does).
public struct RunOverrides: Codable, Sendable, Equatable {
    public var vus: Int?
    public var duration: Duration?
    public var rate: Int?
    public var iterations: Int?

    public init(vus: Int? = nil, duration: Duration? = nil, rate: Int? = nil, iterations: Int? = nil) {
        self.vus = vus
        self.duration = duration
        self.rate = rate
        self.iterations = iterations
    }

    public var isEmpty: Bool { vus == nil && duration == nil && rate == nil && iterations == nil }

    /// `options` with the overrides applied.
    public func apply(to options: Options) -> Options {
        var result = options
        if result.scenarios.isEmpty {
            result.scenarios["default"] = isEmpty
                ? .constantVUs(1, iterations: 1)
                : .constantVUs(vus ?? 1, duration: duration ?? .seconds(10))
            if isEmpty { return result }
        }
        for (name, scenario) in result.scenarios {
            var s = scenario
            s.executor = apply(to: scenario.executor)
            result.scenarios[name] = s
        }
        return result
    }

    private func apply(to executor: Executor) -> Executor {
        switch executor {
        case .constantVUs(var c):
            if let rate {
                let vus = self.vus ?? c.vus
                var a = ConstantArrivalRate(rate: rate, duration: duration ?? c.activeDuration,
                                            preAllocatedVUs: vus, maxVUs: vus)
                if let iterations { a.duration = Self.duration(of: iterations, at: a) }
                return .constantArrivalRate(a)
            }
            if let vus { c.vus = vus }
            if let iterations {
                c.maxDuration = duration ?? (c.iterations == nil ? (c.duration ?? c.maxDuration) : c.maxDuration)
                c.iterations = iterations
                c.duration = nil
            } else if let duration {
                c.duration = duration
                c.iterations = nil
            }
            return .constantVUs(c)
        case .constantArrivalRate(var a):
            if let rate {
                a.rate = rate
                a.timeUnit = .seconds(1)
            }
            if let vus {
                a.preAllocatedVUs = vus
                a.maxVUs = max(a.maxVUs, vus)
            }
            if let duration { a.duration = duration }
            if let iterations { a.duration = Self.duration(of: iterations, at: a) }
            return .constantArrivalRate(a)
        }
    }

    /// The duration that holds exactly `iterations` arrivals of `a`'s schedule.
    private static func duration(of iterations: Int, at a: ConstantArrivalRate) -> Duration {
        guard a.rate > 0 else { return a.duration }
        return Duration(nanoseconds: UInt64((Double(max(0, iterations)) * a.intervalNanoseconds).rounded(.up)))
    }
}
