// Set-up and tear-down, per test and per VU, and state a VU keeps between iterations.
//
//     swiftload run scenarios/examples/setup_and_state.swift --env BASE_URL=http://127.0.0.1:8080
//
// - `setup` runs once before any load, on a VU of its own; what it returns reaches every VU as
//   `vu.setupData` (here: an API token). If it throws, no load runs and the command exits 1.
// - `vuSetup` runs on each VU before its first iteration (here: create a cart for the VU) and
//   `vuTeardown` after its last; `teardown` runs once after the load.
// - `vu.state` is a dictionary each VU keeps for the whole test.
// Set-up and tear-down requests are reported under the scenarios `setup` and `teardown`.
import SwiftLoad

@main struct SetupAndStateExample: LoadTest {
    struct Session: Sendable { let token: String }
    struct Login: Decodable { let token: String }
    struct Cart: Decodable { let id: String }

    static let options = Options(
        scenarios: ["shoppers": .constantVUs(10, duration: .minutes(1))],
        thresholds: ["checks": "rate > 0.99"])

    static func base(_ vu: VU) -> String { vu.env["BASE_URL", default: "http://127.0.0.1:8080"] }

    static func setup(_ vu: VU) async throws -> (any Sendable)? {
        let r = try await vu.http.post(base(vu) + "/login", json: ["user": "loadtest", "password": vu.env["PASSWORD", default: "secret"]],
                                       name: "login")
        guard r.status == 200 else { throw SetupFailed(status: r.status) }
        return Session(token: try r.json(Login.self).token)
    }

    static func vuSetup(_ vu: VU) async throws {
        let session = try vu.setupData.get(Session.self)
        let r = try await vu.http.post(base(vu) + "/carts", body: .empty,
                                       headers: ["Authorization": "Bearer \(session.token)"], name: "create cart")
        vu.state["cart"] = try r.json(Cart.self).id
        vu.state["items"] = 0
    }

    static func iteration(_ vu: VU) async throws {
        let session = try vu.setupData.get(Session.self)
        guard let cart = vu.state["cart"] as? String else { return }
        let r = try await vu.http.post(base(vu) + "/carts/\(cart)/items", json: ["sku": "A-\(vu.iteration % 50)"],
                                       headers: ["Authorization": "Bearer \(session.token)"], name: "add item")
        let added = vu.check(r, "item added") { $0.status == 200 }
        if added { vu.state["items"] = (vu.state["items"] as? Int ?? 0) + 1 }
        try await vu.think(.constant(.milliseconds(500)))
    }

    static func vuTeardown(_ vu: VU) async throws {
        guard let cart = vu.state["cart"] as? String else { return }
        _ = try await vu.http.delete(base(vu) + "/carts/\(cart)", name: "delete cart")
    }

    static func teardown(_ vu: VU) async throws {
        let session = try vu.setupData.get(Session.self)
        _ = try await vu.http.post(base(vu) + "/logout", headers: ["Authorization": "Bearer \(session.token)"], name: "logout")
    }

    struct SetupFailed: Error, CustomStringConvertible {
        let status: Int
        var description: String { "login answered \(status)" }
    }
}
