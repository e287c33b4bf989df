// The benchmark row: every VU GETs one URL back to back, as wrk does.
//
//     swiftload run scenarios/bench/get.swift --env URL=http://127.0.0.1:8080/ --vus 50 --duration 8s
import SwiftLoad

@main struct BenchGet: LoadTest {
    static let options = Options(
        scenarios: ["get": .constantVUs(50, duration: .seconds(60))],
        responseBody: .none,
        workers: 1)

    static func iteration(_ vu: VU) async throws {
        try await vu.http.get(vu.env["URL", default: "http://127.0.0.1:8080/"], name: "get")
    }
}
