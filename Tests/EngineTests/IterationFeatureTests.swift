import Foundation
import Synchronization
import Testing
@testable import SwiftLoad
import TestSupport

/// What an iteration can use: groups, tags, think time and pacing, per-VU state, the test's and
/// each VU's set-up and tear-down, cookies, and stopping the whole test.
@Suite(.serialized) struct IterationFeatureTests {
    @Test func nestedGroupsNameTheirRequestsChecksAndDurations() throws {
        let url = sharedFixture.base + "/delay?ms=20"
        let result = try runLoad(Options(scenarios: ["s": .perVUIterations(vus: 2, iterations: 3)], thresholds: [
            "group_duration{group:::checkout::pay}": "min >= 20ms",
            "http_req_duration{group:::checkout}": "p(99) < 10s",
            "checks{group:::checkout::pay}": "rate == 1",
        ])) { vu in
            _ = try await vu.http.get(url, name: "home")
            try await vu.group("checkout") {
                _ = try await vu.http.get(url, name: "cart")
                try await vu.group("pay") {
                    let r = try await vu.http.get(url, name: "charge", tags: ["kind": "payment"])
                    vu.check(r, "charged") { $0.status == 200 }
                }
            }
        }
        #expect(result.thresholds.filter { !$0.passed }.isEmpty, "\(result.thresholds)")
        #expect(!result.thresholds.isEmpty)
        #expect(result.thresholds.allSatisfy { $0.actual != nil })
        #expect(Set(result.byName.map { $0.name }) == ["home", "checkout::cart", "checkout::pay::charge"])
        for stats in result.byName { #expect(stats.count == 6, "\(stats.name)") }
        let groups = Dictionary(uniqueKeysWithValues: result.groups.map { ($0.path, $0.duration) })
        #expect(Set(groups.keys) == ["checkout", "checkout::pay"])
        // A group lasts at least as long as the requests inside it.
        #expect((groups["checkout"]?.min ?? 0) >= 40)
        #expect((groups["checkout::pay"]?.min ?? 0) >= 20)
        #expect(result.checks.first { $0.name.hasSuffix("charged") }?.passes == 6)
        let charge = try #require(result.histograms.series.first { $0.name == "charge" })
        #expect(charge.group == "checkout::pay")
        #expect(charge.tags == ["kind": "payment"])
    }

    @Test func constantThinkTimeAndPacing() throws {
        let url = sharedFixture.base + "/delay?ms=30"
        let think = try runLoad(Options(scenarios: ["s": .perVUIterations(vus: 1, iterations: 5)])) { vu in
            _ = try await vu.http.get(url, name: "d")
            try await vu.think(.constant(.milliseconds(100)))
        }
        #expect((think.scenario("s")?.iterationDuration.min ?? 0) >= 130)

        // Pacing starts an iteration every 200 ms whatever the request took: 2 s hold 10.
        let paced = try runLoad(Options(scenarios: ["s": .constantVUs(1, duration: .seconds(2))])) { vu in
            _ = try await vu.http.get(url, name: "d")
            try await vu.pace(.milliseconds(200))
        }
        let s = try #require(paced.scenario("s"))
        #expect((10...11).contains(s.iterations + s.interruptedIterations), "\(s.iterations) paced iterations")
        #expect(s.iterationDuration.min >= 199 && s.iterationDuration.max < 260, "\(s.iterationDuration)")
    }

    @Test func perVUStatePersistsAcrossIterations() throws {
        let finals = Collected<[Int]>()
        _ = try runLoad(Options(scenarios: ["s": .perVUIterations(vus: 3, iterations: 5)])) { vu in
            var seen = vu.state["seen"] as? [Int] ?? []
            seen.append(vu.iteration)
            vu.state["seen"] = seen
            if vu.iteration == 4 { finals.add(seen) }
        }
        #expect(finals.all == Array(repeating: [0, 1, 2, 3, 4], count: 3))
    }

    struct Token: Sendable, Equatable { var value: String }

    @Test func setupPassesDataToEveryVUAndTeardownSeesIt() throws {
        let url = sharedFixture.base + "/ok"
        let seen = Collected<String>()
        let hooks = TestHooks(
            setup: { vu in
                let r = try await vu.http.get(url, name: "login")
                return Token(value: "t-\(r.status)")
            },
            teardown: { vu in
                seen.add("teardown " + (try vu.setupData.get(Token.self)).value)
                _ = try await vu.http.get(url, name: "logout")
            },
            vuSetup: { vu in seen.add("vuSetup \(vu.id)") },
            vuTeardown: { vu in seen.add("vuTeardown \(vu.id)") })
        let result = try runLoad(Options(scenarios: ["s": .perVUIterations(vus: 2, iterations: 2)]), hooks: hooks) { vu in
            seen.add("iteration " + (try vu.setupData.get(Token.self)).value)
        }
        let all = seen.all
        #expect(all.filter { $0 == "iteration t-200" }.count == 4)
        #expect(Set(all.filter { $0.hasPrefix("vuSetup") }) == ["vuSetup 1", "vuSetup 2"])
        #expect(Set(all.filter { $0.hasPrefix("vuTeardown") }) == ["vuTeardown 1", "vuTeardown 2"])
        #expect(all.last == "teardown t-200")
        // Set-up and tear-down requests are counted, under scenarios of their own, and their
        // iterations are not.
        #expect(result.stats("login")?.count == 1 && result.stats("logout")?.count == 1)
        #expect(result.histograms.series.filter { $0.scenario == "setup" }.map { $0.name } == ["login"])
        #expect(result.histograms.series.filter { $0.scenario == "teardown" }.map { $0.name } == ["logout"])
        #expect(result.scenario("s")?.requests.count == 0)
        #expect(result.scenarios.map { $0.name } == ["s"])
        #expect(result.scenario("s")?.iterations == 4)
        #expect(result.exitCode == 0)
    }

    @Test func aFailingSetupRunsNoLoadAndSaysWhy() throws {
        struct Down: Error, CustomStringConvertible { var description: String { "auth server down" } }
        let ran = Atomic<Int>(0)
        do {
            _ = try runLoad(Options(scenarios: ["s": .perVUIterations(vus: 1, iterations: 1)]),
                            hooks: TestHooks(setup: { _ in throw Down() })) { _ in ran.add(1, ordering: .relaxed) }
            Issue.record("the run went ahead")
        } catch {
            #expect(error.problems == ["setup failed: auth server down"])
            #expect(error.exitCode == 1)
        }
        #expect(ran.load(ordering: .relaxed) == 0)
    }

    @Test(arguments: transports)
    func cookiesAreOffByDefaultAndPerVUWhenOn(transport: HTTPTransport) throws {
        let base = sharedFixture.base
        let off = Collected<String>()
        _ = try runLoad(Options(scenarios: ["s": .perVUIterations(vus: 1, iterations: 2)], transport: transport)) { vu in
            off.add(try await vu.http.get(base + "/cookies?set=session=\(vu.id)", name: "c").text)
        }
        #expect(off.all == ["", ""])

        let on = Collected<String>()
        _ = try runLoad(Options(scenarios: ["s": .perVUIterations(vus: 2, iterations: 1)], transport: transport,
                                cookies: true)) { vu in
            _ = try await vu.http.get(base + "/cookies?set=session=\(vu.id)&set=theme=dark", name: "set")
            on.add("\(vu.id): " + (try await vu.http.get(base + "/cookies", name: "read").text))
            // Max-Age=0 deletes.
            _ = try await vu.http.get(base + "/cookies?set=theme=x;%20Max-Age=0", name: "delete")
            on.add("\(vu.id): " + (try await vu.http.get(base + "/cookies", name: "read").text))
        }
        #expect(Set(on.all) == ["1: session=1; theme=dark", "2: session=2; theme=dark", "1: session=1", "2: session=2"])

        // One call turns them on for a VU.
        let oneVU = Collected<String>()
        _ = try runLoad(Options(scenarios: ["s": .perVUIterations(vus: 1, iterations: 1)], transport: transport)) { vu in
            vu.cookies.isEnabled = true
            _ = try await vu.http.get(base + "/cookies?set=a=1", name: "set")
            oneVU.add(try await vu.http.get(base + "/cookies", name: "read").text)
            oneVU.add(vu.cookies.cookies(for: "127.0.0.1").description)
        }
        #expect(oneVU.all == ["a=1", #"["a": "1"]"#])
    }

    @Test func abortTestStopsEveryScenarioWithExitCode108() throws {
        let started = Date()
        let result = try runLoad(Options(scenarios: [
            "a": .constantVUs(2, duration: .seconds(20)),
            "b": .constantVUs(1, duration: .seconds(20)),
        ])) { vu in
            if vu.scenario == "b" && vu.iteration == 3 { try vu.abortTest("the target is down") }
            try await vu.sleep(.milliseconds(50))
        }
        #expect(Date().timeIntervalSince(started) < 5)
        #expect(result.exitCode == 108)
        #expect(result.run.interruptReason == "test aborted: the target is down")
        #expect(result.run.stopKind == "script" && !result.run.stoppedBySignal)
        #expect((result.scenario("a")?.iterations ?? 0) > 0)
    }
}
