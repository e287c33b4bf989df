// Groups and tags: name the steps of a user journey and slice the numbers by them.
//
//     swiftload run scenarios/examples/groups_and_tags.swift --env BASE_URL=http://127.0.0.1:8080
//
// Requests inside `vu.group("checkout") { … }` are reported as `checkout::<name>`; groups nest
// (`checkout::payment::<name>`) and each group's own duration is `group_duration`. Tags on a
// request (or on a whole scenario) are filters for thresholds and comparisons.
import SwiftLoad

@main struct GroupsAndTagsExample: LoadTest {
    static let options = Options(
        scenarios: ["shop": .constantVUs(10, duration: .minutes(1))],
        thresholds: [
            // k6's spelling with a leading "::" works too: group:::checkout::payment
            "group_duration{group:checkout::payment}": "p(95) < 1s",
            "http_req_duration{group:checkout}": "p(99) < 500ms",
            "http_req_duration{kind:write}": "p(99) < 800ms",
            "checks{group:checkout::payment}": "rate > 0.99",
        ], baseURL: "http://127.0.0.1:8080")

    static func iteration(_ vu: VU) async throws {
        try await vu.http.get("/", name: "home")
        try await vu.group("checkout") {
            try await vu.http.get("/cart", name: "view cart")
            try await vu.group("payment") {
                let r = try await vu.http.post("/pay", json: ["amount": "12.50"], name: "pay", tags: ["kind": "write"])
                vu.check(r, "payment accepted") { $0.status == 200 }
            }
        }
        try await vu.think(.uniform(.milliseconds(200), .milliseconds(800)))
    }
}
