/// A load test written in Swift. Mark the type `@main` and run the file with
/// `swiftload run file.swift`:
///
///     import SwiftLoad
///     @main struct Quickstart: LoadTest {
///         static let options = Options(scenarios: ["browse": .constantVUs(10, duration: .seconds(30))])
///         static func iteration(_ vu: VU) async throws {
///             let r = try await vu.http.get("\(vu.env["TARGET", default: "http://127.0.0.1:8080"])/", name: "home")
///             vu.check(r, "status is 200") { $0.status == 200 }
///             try await vu.sleep(.milliseconds(100))
///         }
///     }
///
/// `iteration` runs on the virtual user's worker thread; an error it throws is counted as a
/// failed iteration and the VU carries on with the next one.
///
/// The optional hooks: `setup` runs once before any scenario starts, on a VU of its own (its
/// requests are counted under the scenario `setup`), and what it returns reaches every VU,
/// typed, as `setupData(vu)` (`static func setup(_ vu: VU) async throws -> Model`); `teardown` runs once after the load (also after Ctrl-C; a second one skips
/// it). `vuSetup` and `vuTeardown` run on each VU before its first and after its last iteration.
public protocol LoadTest: SendableMetatype {
    static var options: Options { get }
    /// The options, for a test whose options depend on `--env` values (k6 reads `__ENV` in its
    /// options): rates, VUs, durations and targets come from the command line without editing
    /// the file. By default, `options`.
    ///
    ///     static func options(_ env: Environment) -> Options {
    ///         Options(scenarios: ["api": .constantArrivalRate(Int(env["RATE", default: "100"]) ?? 100, duration: .seconds(30))],
    ///                 baseURL: env["BASE_URL", default: "http://127.0.0.1:8080"])
    ///     }
    static func options(_ env: Environment) -> Options
    /// What every VU runs, unless its scenario runs its own (`Scenario.running`): a test whose
    /// scenarios all do needs none.
    static func iteration(_ vu: VU) async throws
    /// What `setup` returns: any `Sendable` type of yours, read back typed with `setupData(vu)`.
    associatedtype Shared: Sendable = (any Sendable)?
    static func setup(_ vu: VU) async throws -> Shared
    static func teardown(_ vu: VU) async throws
    static func vuSetup(_ vu: VU) async throws
    static func vuTeardown(_ vu: VU) async throws
}

extension LoadTest {
    public static var options: Options { Options() }
    public static func options(_ env: Environment) -> Options { options }
    public static func iteration(_ vu: VU) async throws { throw MissingIteration(scenario: vu.scenario) }
    public static func teardown(_ vu: VU) async throws {}
    public static func vuSetup(_ vu: VU) async throws {}
    public static func vuTeardown(_ vu: VU) async throws {}

    /// What `setup` returned, as its own type: `let model = setupData(vu)`.
    public static func setupData(_ vu: VU) throws -> Shared { try vu.setupData.get(Shared.self) }

    /// The hooks as closures the engine calls.
    static var hooks: TestHooks {
        TestHooks(setup: { try await setup($0) as (any Sendable)? }, teardown: { try await teardown($0) },
                  vuSetup: { try await vuSetup($0) }, vuTeardown: { try await vuTeardown($0) })
    }

    /// The entry point `@main` uses: reads the run configuration `swiftload run` passes, runs the
    /// test, prints and writes the reports and exits with the run's exit code.
    @inlinable public static func main() {
        // Inlinable, so this is compiled into the scenario's own module where `Self` is the
        // test's type: the closure calls its `iteration` directly instead of through the
        // protocol, which saves an executor switch (~290 instructions) per iteration.
        ScriptMain.run(Self.self, iteration: { try await Self.iteration($0) })
    }
}

extension LoadTest where Shared == (any Sendable)? {
    public static func setup(_ vu: VU) async throws -> (any Sendable)? { nil }
}

/// A scenario with no iteration to run: it names no `running(…)` function and the test defines
/// no `iteration`. The run stops as bad input (exit 2).
public struct MissingIteration: Error, CustomStringConvertible {
    public var scenario: String
    public var description: String {
        "scenario \(scenario) has nothing to run: give it .running(someFunction) or define static func iteration(_ vu: VU)"
    }
}
