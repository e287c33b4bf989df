// Think time and pacing: make VUs behave like people, or like a client on a fixed schedule.
//
//     swiftload run scenarios/examples/think_time_and_pacing.swift --env BASE_URL=http://127.0.0.1:8080
//
// - `.constant(d)` always waits d;
// - `.uniform(a, b)` waits between a and b;
// - `.exponential(mean: m)` waits like independent users do (a Poisson process): mostly short,
//   sometimes long, averaging m;
// - `vu.pace(interval)` sleeps until `interval` after the iteration started, so iterations start
//   at a fixed rhythm whatever the requests took (Gatling's `pace`). When an iteration runs
//   longer than the interval, the next one starts at once.
import SwiftLoad

@main struct ThinkTimeAndPacingExample: LoadTest {
    static let options = Options(scenarios: [
        "people": Scenario.constantVUs(50, duration: .minutes(2)).running(person),
        "poller": Scenario.constantVUs(5, duration: .minutes(2)).running(poller),
    ], baseURL: "http://127.0.0.1:8080")

    static func person(_ vu: VU) async throws {
        try await vu.http.get("/", name: "home")
        try await vu.think(.exponential(mean: .seconds(3)))
        try await vu.http.get("/search", query: ["q": "swift"], name: "search")
        try await vu.think(.uniform(.seconds(1), .seconds(5)))
    }

    /// A dashboard that refreshes every 2 s.
    static func poller(_ vu: VU) async throws {
        try await vu.http.get("/api/status", name: "status")
        try await vu.pace(.seconds(2))
    }
}
