// The quickstart: ten virtual users fetching one page for ten seconds.
//
//     swiftload run scenarios/quickstart.swift --env TARGET=http://127.0.0.1:8080
import SwiftLoad

@main struct Quickstart: LoadTest {
    // Options may read --env values: `--env TARGET=… --env VUS=50` changes them, not the file.
    static func options(_ env: Environment) -> Options {
        Options(
            scenarios: ["browse": .constantVUs(Int(env["VUS", default: "10"]) ?? 10, duration: .seconds(10))],
            thresholds: .typed(
                .duration(name: "home").p(99) < .milliseconds(200),
                .failed().rate < 0.01),
            baseURL: env["TARGET", default: "http://127.0.0.1:8080"])
    }

    static func iteration(_ vu: VU) async throws {
        let r = try await vu.http.get("/", name: "home")
        vu.check(r, "status is 200") { $0.status == 200 }
        try await vu.sleep(.milliseconds(100))
    }
}
