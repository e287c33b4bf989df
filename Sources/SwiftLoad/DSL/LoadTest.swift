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
/// requests are counted under the scenario `setup`), and what it returns reaches every VU as
/// `vu.setupData`; `teardown` runs once after the load (also after Ctrl-C; a second one skips
/// it). `vuSetup` and `vuTeardown` run on each VU before its first and after its last iteration.
public protocol LoadTest: SendableMetatype {
    static var options: Options { get }
    static func iteration(_ vu: VU) async throws
    static func setup(_ vu: VU) async throws -> (any Sendable)?
    static func teardown(_ vu: VU) async throws
    static func vuSetup(_ vu: VU) async throws
    static func vuTeardown(_ vu: VU) async throws
}

extension LoadTest {
    public static var options: Options { Options() }
    public static func setup(_ vu: VU) async throws -> (any Sendable)? { nil }
    public static func teardown(_ vu: VU) async throws {}
    public static func vuSetup(_ vu: VU) async throws {}
    public static func vuTeardown(_ vu: VU) async throws {}

    /// The hooks as closures the engine calls.
    static var hooks: TestHooks {
        TestHooks(setup: { try await setup($0) }, teardown: { try await teardown($0) },
                  vuSetup: { try await vuSetup($0) }, vuTeardown: { try await vuTeardown($0) })
    }

    /// The entry point `@main` uses: reads the run configuration `swiftload run` passes, runs the
    /// test, prints and writes the reports and exits with the run's exit code.
    public static func main() {
        ScriptMain.run(Self.self)
    }
}
