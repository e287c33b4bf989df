// Stop the whole test from a script when carrying on would only produce noise, like k6's
// `exec.test.abort()`: every scenario stops, the reports are written, the exit code is 108.
//
//     swiftload run scenarios/examples/abort_on_broken_target.swift --env BASE_URL=http://127.0.0.1:8080
import SwiftLoad

@main struct AbortExample: LoadTest {
    static let options = Options(scenarios: ["api": .constantVUs(20, duration: .minutes(5))], baseURL: "http://127.0.0.1:8080")

    static func setup(_ vu: VU) async throws -> (any Sendable)? {
        // A target that is down before the test starts: setup throws, nothing runs, exit 1.
        let r = try await vu.http.get("/health", name: "health")
        if r.status != 200 { throw HealthCheckFailed(status: r.status) }
        return nil
    }

    static func iteration(_ vu: VU) async throws {
        let r = try await vu.http.get("/api/items", name: "items")
        // The target went away mid-test: say why and stop everything.
        if r.status == 503 && vu.iteration > 10 { try vu.abortTest("the target answers 503: it is down") }
        try await vu.think(.constant(.milliseconds(200)))
    }

    struct HealthCheckFailed: Error, CustomStringConvertible {
        let status: Int
        var description: String { "health check answered \(status)" }
    }
}
