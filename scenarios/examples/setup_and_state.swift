// Set-up and tear-down, per test and per VU, and state a VU keeps between iterations.
//
//     swiftload run scenarios/examples/setup_and_state.swift --env BASE_URL=http://127.0.0.1:8080
//
// - `setup` runs once before any load, on a VU of its own; what it returns (any Sendable type of
//   yours, here an API token) reaches every VU, typed, as `setupData(vu)`. If it throws, no load
//   runs and the command exits 1.
// - `vuSetup` runs on each VU before its first iteration (here: create a cart for the VU) and
//   `vuTeardown` after its last; `teardown` runs once after the load.
// - `vu.local(Cart.init)` is an object of the VU's own, the same one every iteration.
// Set-up and tear-down requests are reported under the scenarios `setup` and `teardown`.
import SwiftLoad

@main struct SetupAndStateExample: LoadTest {
    struct Session: Sendable { let token: String }
    struct Login: Decodable { let token: String }
    struct Created: Decodable { let id: String }
    /// What each VU keeps between its iterations.
    final class Cart { var id: String?; var items = 0 }

    static let options = Options(
        scenarios: ["shoppers": .constantVUs(10, duration: .minutes(1))],
        thresholds: ["checks": "rate > 0.99"],
        baseURL: "http://127.0.0.1:8080")

    static func setup(_ vu: VU) async throws -> Session {
        let r = try await vu.http.post("/login", json: ["user": "loadtest", "password": vu.env["PASSWORD", default: "secret"]],
                                       name: "login")
        guard r.status == 200 else { throw SetupFailed(status: r.status) }
        return Session(token: try r.json(Login.self).token)
    }

    static func vuSetup(_ vu: VU) async throws {
        let r = try await vu.http.post("/carts", headers: ["Authorization": "Bearer \(try setupData(vu).token)"], name: "create cart")
        vu.local(Cart.init).id = try r.json(Created.self).id
    }

    static func iteration(_ vu: VU) async throws {
        let cart = vu.local(Cart.init)
        guard let id = cart.id else { return }
        let r = try await vu.http.post("/carts/\(id)/items", json: ["sku": "A-\(vu.iteration % 50)"],
                                       headers: ["Authorization": "Bearer \(try setupData(vu).token)"], name: "add item")
        if vu.check(r, "item added", { $0.status == 200 }) { cart.items += 1 }
        try await vu.think(.constant(.milliseconds(500)))
    }

    static func vuTeardown(_ vu: VU) async throws {
        guard let id = vu.local(Cart.init).id else { return }
        try await vu.http.delete("/carts/\(id)", name: "delete cart")
    }

    static func teardown(_ vu: VU) async throws {
        try await vu.http.post("/logout", headers: ["Authorization": "Bearer \(try setupData(vu).token)"], name: "logout")
    }

    struct SetupFailed: Error, CustomStringConvertible {
        let status: Int
        var description: String { "login answered \(status)" }
    }
}
