// Ramping arrival rate: raise the offered load step by step to find where latency breaks,
// like k6's `ramping-arrival-rate` (Gatling's `rampUsersPerSec`).
//
//     swiftload run scenarios/examples/ramping_arrival_rate.swift --env BASE_URL=http://127.0.0.1:8080
//
// Iterations start on schedule whether or not earlier ones finished (an open model), so a slow
// server shows up as latency and dropped iterations instead of quietly lowering the load.
// Latency is measured from each iteration's scheduled start.
import SwiftLoad

@main struct RampingArrivalRateExample: LoadTest {
    static let options = Options(
        scenarios: [
            "stairs": .rampingArrivalRate(startRate: 50, stages: [
                .ramp(to: 200, over: .seconds(20)),
                .hold(200, for: .seconds(20)),
                .ramp(to: 400, over: .seconds(20)),
                .hold(400, for: .seconds(20)),
            ], preAllocatedVUs: 50, maxVUs: 500),
        ],
        thresholds: [
            "http_req_duration": "p(99) < 500ms",
            "dropped_iterations": "count < 10",
        ], baseURL: "http://127.0.0.1:8080")

    static func iteration(_ vu: VU) async throws {
        let r = try await vu.http.get("/api/items", name: "items")
        vu.check(r, "status is 200") { $0.status == 200 }
    }
}
