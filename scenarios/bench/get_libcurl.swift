// The benchmark row through libcurl's multi interface instead of the built-in HTTP/1.1 client.
//
//     swiftload run scenarios/bench/get_libcurl.swift --env URL=http://127.0.0.1:8080/ --vus 50 --duration 8s
import SwiftLoad

@main struct BenchGetLibcurl: LoadTest {
    static let options = Options(
        scenarios: ["get": .constantVUs(50, duration: .seconds(60))],
        responseBody: .none,
        workers: 1,
        transport: .libcurl)

    static func iteration(_ vu: VU) async throws {
        try await vu.http.get(vu.env["URL", default: "http://127.0.0.1:8080/"], name: "get")
    }
}
