// Ramping VUs: warm up, hold, then ramp down, like k6's `ramping-vus` executor.
//
//     swiftload run scenarios/examples/ramping_vus.swift --env BASE_URL=http://127.0.0.1:8080
//
// The VU count moves linearly between stage targets. A VU removed on the way down finishes its
// iteration; after `gracefulRampDown` it is interrupted (counted as an interrupted iteration).
import SwiftLoad

@main struct RampingVUsExample: LoadTest {
    static let options = Options(
        scenarios: [
            "browse": .rampingVUs(startVUs: 0, stages: [
                .ramp(to: 20, over: .seconds(30)),   // warm up
                .hold(20, for: .minutes(1)),          // steady state: the numbers that count
                .ramp(to: 0, over: .seconds(15)),    // cool down
            ], gracefulRampDown: .seconds(10)),
        ],
        thresholds: ["http_req_duration{name:home}": "p(99) < 300ms"],
        baseURL: "http://127.0.0.1:8080")

    static func iteration(_ vu: VU) async throws {
        let r = try await vu.http.get("/", name: "home")
        vu.check(r, "status is 200") { $0.status == 200 }
        try await vu.think(.uniform(.milliseconds(500), .milliseconds(1500)))
    }
}
