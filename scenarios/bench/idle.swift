// Memory with idle virtual users: every VU sleeps one second per iteration and sends nothing.
//
//     /usr/bin/time -f %M swiftload run scenarios/bench/idle.swift --vus 10000 --duration 10s -q
import SwiftLoad

@main struct BenchIdle: LoadTest {
    static let options = Options(scenarios: ["idle": .constantVUs(1000, duration: .seconds(10))])

    static func iteration(_ vu: VU) async throws {
        try await vu.sleep(.seconds(1))
    }
}
