import Foundation
import Synchronization
import Testing
@testable import SwiftLoad
import TestSupport

/// Runs a load test in this process, the way a compiled scenario does (minus signals).
func runLoad(_ options: Options, config: RunConfig = RunConfig(quiet: true), hooks: TestHooks = TestHooks(),
             _ script: nonisolated(nonsending) @escaping @Sendable (VU) async throws -> Void) throws(ConfigurationError) -> RunResult {
    let result = try LoadRunner.run(script: script, options: options, config: config, hooks: hooks)
    // Every result a test produces must match the published schema.
    do {
        let problems = SchemaValidator.shared.problems(in: try JSONReport.encode(result))
        if !problems.isEmpty { Issue.record("the result does not match schema/result.schema.json: \(problems)") }
    } catch {
        Issue.record("the result does not encode: \(error)")
    }
    return result
}

/// Values VUs report from their worker threads, collected for the test to inspect.
final class Collected<T: Sendable>: Sendable {
    private let values = Mutex<[T]>([])
    func add(_ v: T) { values.withLock { $0.append(v) } }
    var all: [T] { values.withLock { $0 } }
}

extension RunResult {
    func stats(_ name: String) -> RequestGroupStats? { byName.first { $0.name == name } }
    func scenario(_ name: String) -> ScenarioStats? { scenarios.first { $0.name == name } }
    func errorCount(_ cls: ErrorClass) -> Int { errors.filter { $0.errorClass == cls.rawValue }.reduce(0) { $0 + $1.count } }
}

/// Both HTTP clients, so cleartext behaviour is tested on each.
let transports: [HTTPTransport] = [.automatic, .libcurl]

/// One fixture server for the whole test process (started on first use).
let sharedFixture: FixtureServer = try! FixtureServer()
