// The event-stream benchmark row: every VU reads a server-sent event stream back to back (a
// static file of events from nginx: the fastest streamer there is), parsed event by event.
//
//     swiftload run scenarios/bench/sse.swift --env URL=http://127.0.0.1:8080/events --vus 10 --duration 8s
import SwiftLoad

@main struct BenchSSE: LoadTest {
    static let options = Options(
        scenarios: ["sse": .constantVUs(10, duration: .seconds(60))],
        responseBody: .none,
        workers: 1)

    static func iteration(_ vu: VU) async throws {
        try await vu.http.sse(vu.env["URL", default: "http://127.0.0.1:8080/events"], name: "sse", keepBody: .none)
    }
}
