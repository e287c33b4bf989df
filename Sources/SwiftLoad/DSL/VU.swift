import Glibc

/// Thrown by every request and sleep once the run is stopping and the iteration's grace period
/// is over (or on Ctrl-C). Let it propagate: the iteration is counted as interrupted, not failed.
public struct Interrupted: Error, Sendable, CustomStringConvertible {
    public var description: String { "the run is stopping; the iteration was interrupted" }
}

/// A virtual user: the handle an iteration uses to make requests, record checks and sleep.
///
/// A VU belongs to one worker thread and all its code runs there, so it needs no locks. Its
/// keep-alive connection(s) persist across iterations.
public final class VU: @unchecked Sendable {
    // @unchecked: a VU is created on its worker's thread and only ever used there; it crosses
    // into its task's closure once, on that same thread.

    /// Unique across the whole test, starting at 1.
    public let id: Int
    /// The scenario this VU runs.
    public let scenario: String
    /// This VU's iteration counter: 0 during its first iteration.
    public internal(set) var iteration: Int = -1
    /// Environment variables (process environment plus `--env`).
    public var env: Environment { context.env }
    /// HTTP requests made through this VU are timed, counted and grouped by name.
    public var http: HTTP { HTTP(vu: self) }

    let context: WorkerContext
    /// Open model: how late the current iteration started against its schedule (ns), charged to
    /// its first request and then cleared. Only the start lag, never the script's own sleeps,
    /// think time or work before that request.
    var pendingStartLag: UInt64?
    /// Set when the VU's iteration must stop: every later request or sleep of that iteration
    /// throws `Interrupted`. Cleared when the VU starts another iteration (after a ramp-down).
    private(set) var isInterrupted = false

    /// A new iteration begins: an earlier interruption no longer applies.
    func beginIteration() {
        isInterrupted = false
        iteration += 1
    }
    /// Where the VU's requests go through the request policy to a transport; made on first use.
    var pipeline: RequestPipeline {
        if let p = pipelineIfMade { return p }
        let p = RequestPipeline(vu: self, context: context)
        pipelineIfMade = p
        return p
    }
    private var pipelineIfMade: RequestPipeline?

    /// The box of the last request `http.get(…)` and friends built, refilled by the next one.
    var spareRequest: Request?

    private var sleepContinuation: UnsafeContinuation<Void, any Error>?
    private var sleepToken: UInt64 = 0

    /// Tags of the VU's scenario, added to everything it records.
    let scenarioTags: [String: String]
    /// The group path the VU is in (`login::submit`), empty outside groups.
    var groupPath = ""
    /// Per-VU state that persists across iterations (a token, a cart, a counter); `local(_:)`
    /// keeps a typed object instead.
    public var state: [String: any Sendable] = [:]
    private var locals: [ObjectIdentifier: AnyObject] = [:]

    /// This VU's own object of type `T`, made by `make` on first use and the same object every
    /// iteration after: typed per-VU state.
    ///
    ///     final class Session { var token: String?; var cart: [Int] = [] }
    ///     let session = vu.local(Session.init)
    ///     if session.token == nil { session.token = try await logIn(vu) }
    public func local<T: AnyObject>(_ make: () throws -> T) rethrows -> T {
        if let o = locals[ObjectIdentifier(T.self)] as? T { return o }
        let o = try make()
        locals[ObjectIdentifier(T.self)] = o
        return o
    }
    /// What the test's `setup` returned.
    public internal(set) var setupData = SetupData(nil)
    /// This VU's cookie jar; off unless `Options.cookies` or `cookies.isEnabled = true`.
    public let cookies: CookieJar
    /// A fast random number generator of this VU's own (for think times, data choices).
    public var random: VURandom
    /// When the current iteration started (its scheduled start in open models).
    var iterationStart: UInt64 = 0

    init(id: Int, scenario: String, tags: [String: String] = [:], context: WorkerContext) {
        self.id = id
        self.scenario = scenario
        self.scenarioTags = tags
        self.context = context
        cookies = CookieJar(enabled: context.http.cookies)
        random = VURandom(seed: UInt64(id) &* 0x9E37_79B9_7F4A_7C15 ^ MonotonicClock.now())
    }

    /// Records a named check on `value`. A failing check is counted, never thrown: the iteration
    /// goes on. A predicate that throws counts as failed.
    @discardableResult
    public func check<T>(_ value: T, _ name: String, _ predicate: (T) throws -> Bool) -> Bool {
        let passed = (try? predicate(value)) ?? false
        context.recorder.recordCheck(CheckKey(name: name, group: groupPath, scenario: scenario), passed: passed)
        return passed
    }

    /// Records several named checks on `value`; true when all passed.
    @discardableResult
    public func check<T>(_ value: T, _ checks: KeyValuePairs<String, (T) throws -> Bool>) -> Bool {
        var all = true
        for (name, predicate) in checks where !check(value, name, predicate) { all = false }
        return all
    }

    /// Pauses this VU (think time) without blocking its worker.
    nonisolated(nonsending) public func sleep(_ duration: Duration) async throws {
        try checkRunning()
        let ns = duration.nanoseconds
        guard ns > 0 else { return }
        // Already on the worker: no switch before suspending (see HTTP1Connection.exchange).
        try await _unsafeInheritExecutor_withUnsafeThrowingContinuation { (c: UnsafeContinuation<Void, any Error>) in
            sleepToken &+= 1
            sleepContinuation = c
            context.loop.schedule(at: MonotonicClock.now() &+ ns, target: self, token: sleepToken)
        }
    }

    func checkRunning() throws {
        if isInterrupted { throw Interrupted() }
    }

    /// Sends `request` through the request policy to the test's transport.
    nonisolated(nonsending) func perform(_ request: Request) async throws -> Response {
        try await pipeline.perform(request)
    }

    /// The intended start of a request starting now: for an open-model iteration's first
    /// request, now less the iteration's start lag (wrk2's correction for coordinated omission,
    /// applied to the lag alone); otherwise now.
    func takeIntendedStart(now: UInt64) -> UInt64 {
        guard let lag = pendingStartLag else { return now }
        pendingStartLag = nil
        return now &- min(lag, now)
    }

    /// Stops the VU: the pending request or sleep, and every later one, throws `Interrupted`.
    func interrupt() {
        isInterrupted = true
        if let c = sleepContinuation {
            sleepContinuation = nil
            c.resume(throwing: Interrupted())
        }
        pipelineIfMade?.interrupt()
    }

    /// Frees the VU's connections at the end of the run.
    func close() {
        pipelineIfMade?.close()
        pipelineIfMade = nil
    }
}

extension VU: TimerTarget {
    func timerFired(token: UInt64) {
        guard token == sleepToken, let c = sleepContinuation else { return }
        sleepContinuation = nil
        c.resume()
    }
}
