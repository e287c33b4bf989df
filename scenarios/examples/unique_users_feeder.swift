// Unique test data from a JSON-lines file: each account logs in exactly once (Gatling's queue
// feeder). When the accounts run out the test stops, says so, and exits with code 108.
//
//     swiftload run scenarios/examples/unique_users_feeder.swift --env BASE_URL=http://127.0.0.1:8080
//
// Records decode into any `Decodable` type; their scalar fields can also be read as text with
// `record["field"]`. Arrays in code feed the same way: `Feeder.array([...], strategy: .random)`.
import SwiftLoad

@main struct UniqueUsersExample: LoadTest {
    struct Account: Decodable, Sendable { let username: String; let password: String }

    static let accounts = Feeder.jsonLines("../data/users.jsonl", strategy: .unique)
    static let searches = Feeder.array(["swift", "load", "latency", "p99"], strategy: .random)

    static let options = Options(scenarios: ["logins": .sharedIterations(vus: 2, iterations: 5)], baseURL: "http://127.0.0.1:8080")

    static func iteration(_ vu: VU) async throws {
        let account = try accounts.next(vu).decode(Account.self)
        let login = try await vu.http.post("/login", json: ["user": account.username, "password": account.password], name: "login")
        vu.check(login, "logged in") { $0.status == 200 }
        try await vu.http.get("/search", query: ["q": try searches.next(vu)], name: "search")
    }
}
