// The quickstart: ten virtual users fetching one page for ten seconds.
//
//     swiftload run scenarios/quickstart.swift --env TARGET=http://127.0.0.1:8080
import SwiftLoad

@main struct Quickstart: LoadTest {
    static let options = Options(
        scenarios: ["browse": .constantVUs(10, duration: .seconds(10))],
        thresholds: [
            "http_req_duration{name:home}": "p(99) < 200ms",
            "http_req_failed": "rate < 1%",
        ])

    static func iteration(_ vu: VU) async throws {
        let r = try await vu.http.get("\(vu.env["TARGET", default: "http://127.0.0.1:8080"])/", name: "home")
        vu.check(r, "status is 200") { $0.status == 200 }
        try await vu.sleep(.milliseconds(100))
    }
}
