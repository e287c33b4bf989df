import Foundation
import Testing
@testable import SwiftLoad
import TestSupport

/// The lighter DSL against a real HTTP server: relative URLs under `Options(baseURL:)`, named by
/// their path and pointed elsewhere by `--env BASE_URL`; typed per-VU objects kept across
/// iterations; a scenario with nothing to run stops the run as bad input.
@Suite(.serialized) struct LightDSLTests {
    static let server = try! FixtureServer()

    @Test func relativeURLsGoToTheBaseURL() throws {
        let base = Self.server.base
        let result = try runLoad(Options(scenarios: ["s": .sharedIterations(vus: 2, iterations: 6)],
                                         baseURL: "http://127.0.0.1:9/unused"),
                                 config: RunConfig(env: ["BASE_URL": base], quiet: true)) { vu in
            try await vu.http.get("/ok")
            try await vu.http.get("status?code=201", name: "status")
            try await vu.http.get(base + "/ok", name: "absolute")
        }
        // --env BASE_URL wins over Options.baseURL (which points nowhere here).
        #expect(result.stats("/ok")?.count == 6 && result.stats("/ok")?.failures == 0, "\(result.byName.map(\.name))")
        #expect(result.stats("status")?.statuses == ["201": 6])
        #expect(result.stats("absolute")?.failures == 0)
        #expect(result.run.targets == [Self.server.base])
        #expect(result.options.baseURL == base, "the result records the base URL the run used")
        #expect(URLCredentials.removed(from: "https://u:p@h:1/v1?a=b@c") == "https://h:1/v1?a=b@c")
        #expect(URLCredentials.removed(from: "http://h/x@y") == "http://h/x@y")

        let bad = try? runLoad(Options(scenarios: ["s": .sharedIterations(vus: 1, iterations: 1)], baseURL: "127.0.0.1:8080")) { _ in }
        #expect(bad == nil, "a base URL without a scheme is a configuration error")
    }

    final class Cart { var items: [Int] = [] }

    @Test func localObjectsLiveAsLongAsTheirVU() throws {
        let seen = Collected<[Int]>()
        _ = try runLoad(Options(scenarios: ["s": .perVUIterations(vus: 3, iterations: 4)])) { vu in
            let cart = vu.local(Cart.init)
            cart.items.append(vu.iteration)
            if cart.items.count == 4 { seen.add(cart.items) }
        }
        #expect(seen.all == [[0, 1, 2, 3], [0, 1, 2, 3], [0, 1, 2, 3]])
    }

    @Test func aScenarioWithNothingToRunIsBadInput() throws {
        let result = try runLoad(Options(scenarios: ["s": .constantVUs(2, duration: .seconds(20))])) { vu in
            try await NothingToRun.iteration(vu)
        }
        #expect(result.exitCode == LoadRunner.ExitCode.usage)
        #expect(result.run.interruptReason?.contains("scenario s has nothing to run") == true, "\(result.run.interruptReason ?? "")")
        #expect(result.run.durationSeconds < 5)
    }

    /// A test that defines no `iteration`: its scenarios all run their own, or have none.
    struct NothingToRun: LoadTest {}
}

