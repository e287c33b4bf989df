// Cardinality: every VU GETs /item/<id> with the id drawn from N values, under the default name
// (the URL without its query), so each id is a series of its own until the name cap.
//
//     swiftload run scenarios/bench/many_urls.swift --env URL=http://127.0.0.1:8080 --env N=1000 --vus 10 --duration 8s
import SwiftLoad

@main struct BenchManyURLs: LoadTest {
    static let options = Options(
        scenarios: ["get": .constantVUs(10, duration: .seconds(8))],
        responseBody: .none)

    static func iteration(_ vu: VU) async throws {
        let base = vu.env["URL", default: "http://127.0.0.1:8080"]
        let n = max(1, Int(vu.env["N", default: "1000"]) ?? 1000)
        try await vu.http.get("\(base)/item/\(Int.random(in: 0..<n, using: &vu.random))")
    }
}
