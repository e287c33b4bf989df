// Several workloads in one test: steady browsing traffic, a burst of checkouts that starts a
// minute in, and an API client at a fixed rate, each with its own executor, tags and iteration.
// The summary and the JSON report show each scenario separately as well as all together, and
// thresholds can single one out with `{scenario:name}` or a tag.
//
//     swiftload run scenarios/examples/multiple_scenarios.swift --env BASE_URL=http://127.0.0.1:8080
import SwiftLoad

@main struct MultipleScenariosExample: LoadTest {
    static let options = Options(
        scenarios: [
            "browse": Scenario.constantVUs(20, duration: .minutes(3))
                .tagged(["journey": "browse"])
                .running(browse),
            "checkout": Scenario.rampingVUs(stages: [.ramp(to: 10, over: .seconds(30)), .hold(10, for: .seconds(60))])
                .startingAt(.minutes(1))
                .tagged(["journey": "checkout"])
                .running(checkout),
            "partner_api": Scenario.constantArrivalRate(50, duration: .minutes(3), preAllocatedVUs: 10, maxVUs: 50)
                .tagged(["journey": "api"])
                .running(partnerAPI),
        ],
        thresholds: [
            "http_req_duration{journey:checkout}": "p(99) < 800ms",
            "http_req_duration{scenario:partner_api}": ["p(95) < 200ms", "p(99) < 400ms"],
            "http_req_failed{journey:checkout}": "rate < 0.5%",
        ], baseURL: "http://127.0.0.1:8080")

    static func browse(_ vu: VU) async throws {
        try await vu.http.get("/", name: "home")
        try await vu.think(.exponential(mean: .seconds(2)))
        try await vu.http.get("/products/\(vu.random.next() % 100)", name: "product")
        try await vu.think(.exponential(mean: .seconds(2)))
    }

    static func checkout(_ vu: VU) async throws {
        try await vu.http.post("/cart", json: ["sku": "A-1", "qty": "1"], name: "add to cart")
        let r = try await vu.http.post("/checkout", json: ["card": "4242"], name: "checkout")
        vu.check(r, "order placed") { $0.status == 200 }
        try await vu.think(.constant(.seconds(1)))
    }

    static func partnerAPI(_ vu: VU) async throws {
        let r = try await vu.http.get("/api/stock", headers: ["Authorization": "Bearer partner"], name: "stock")
        vu.check(r, "status is 200") { $0.status == 200 }
    }
}
