// The engine's own cost per iteration, with no network: every iteration records a check and
// awaits a 1 ns sleep, i.e. one suspension and resumption through the worker's event loop.
//
//     swiftload run scenarios/bench/noop.swift --vus 50 --duration 5s --workers 1
import SwiftLoad

@main struct BenchNoop: LoadTest {
    static let options = Options(scenarios: ["noop": .constantVUs(50, duration: .seconds(5))], workers: 1)

    static func iteration(_ vu: VU) async throws {
        vu.check(vu.iteration, "counts") { $0 >= 0 }
        try await vu.sleep(.nanoseconds(1))
    }
}
