// The scenario of the CI regression gate (docs/ci.md): a fixed arrival rate, so the baseline and
// the current run put the target under the same load, and thresholds that stop a broken build
// early. The comparison against the stored baseline is `swiftload compare`'s job.
//
//     swiftload run scenarios/regression_gate.swift --env TARGET=http://127.0.0.1:8080 --out json=current.json
//     swiftload compare baseline.json current.json --max-regression 'p(99)=10%'
import SwiftLoad

@main struct RegressionGate: LoadTest {
    // TARGET (the base URL) comes from --env and becomes Options.baseURL: requests name paths only.
    static func options(_ env: Environment) -> Options {
        Options(
            // An open model: the same 500 requests a second whatever the target does, so a slower
            // build shows up as higher latency, not as fewer requests.
            scenarios: ["gate": .constantArrivalRate(500, duration: .seconds(20), preAllocatedVUs: 50, maxVUs: 400)],
            thresholds: [
                // Absolute limits: a build this broken fails at once, with no baseline needed.
                "http_req_failed": "rate < 1% abortOnFail(5s)",
                "http_req_duration{name:api}": "p(99) < 1s abortOnFail(5s)",
                "dropped_iterations": "count == 0",
            ],
            baseURL: env["TARGET", default: "http://127.0.0.1:8080"])
    }

    static func iteration(_ vu: VU) async throws {
        let path = vu.env["PATH_UNDER_TEST", default: "/"]
        let r = try await vu.http.get(path, name: "api")
        vu.check(r, "status is 200") { $0.status == 200 }
    }
}
