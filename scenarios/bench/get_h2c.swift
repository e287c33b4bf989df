// The benchmark row for cleartext HTTP/2: VUs GET one URL back to back, multiplexed over
// 10 connections of up to 10 streams each, as `h2load -c10 -m10` does.
//
//     swiftload run scenarios/bench/get_h2c.swift --env URL=http://127.0.0.1:8081/ --vus 100 --duration 8s
import SwiftLoad

@main struct BenchGetH2C: LoadTest {
    static let options = Options(
        scenarios: ["get": .constantVUs(100, duration: .seconds(60))],
        responseBody: .none,
        workers: 1,
        transport: .http2,
        http2: HTTP2Options(connectionsPerTarget: 10, maxConcurrentStreams: 10))

    static func iteration(_ vu: VU) async throws {
        try await vu.http.get(vu.env["URL", default: "http://127.0.0.1:8081/"], name: "get")
    }
}
