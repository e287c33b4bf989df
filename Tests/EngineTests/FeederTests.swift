import Foundation
import Testing
@testable import SwiftLoad
import TestSupport

/// Feeders shared by every VU on every worker: each strategy, each source, and what happens when
/// the data runs out or cannot be read.
@Suite(.serialized) struct FeederTests {
    static let csvPath = Paths.fixtures + "/data/people.csv"
    static let jsonlPath = Paths.fixtures + "/data/people.jsonl"
    static let names = ["Ada", "Hopper, Grace", "Alan", #"Quote "Q" Marks"#, "Edsger", "Barbara"]

    @Test func sequentialWalksTheRowsInTurnAcrossWorkers() throws {
        let feeder = Feeder.csv(Self.csvPath)
        #expect(feeder.count == 6)
        let seen = Collected<String>()
        let result = try runLoad(Options(scenarios: ["s": .sharedIterations(vus: 4, iterations: 12)], workers: 2)) { vu in
            let row = try feeder.next(vu)
            seen.add(try #require(row["name"]))
            _ = try row.value("id", as: Int.self)
        }
        #expect(result.scenario("s")?.iterations == 12)
        // Two passes: every row exactly twice, quoting undone.
        #expect(Dictionary(grouping: seen.all, by: { $0 }).mapValues(\.count) == Dictionary(uniqueKeysWithValues: Self.names.map { ($0, 2) }))
        #expect(Feeder.csv(Self.csvPath).count == 6)
    }

    struct Person: Decodable, Sendable { var id: Int; var name: String; var langs: [String] }

    @Test func randomDrawsFromJSONLinesAndDecodesRecords() throws {
        let feeder = Feeder.jsonLines(Self.jsonlPath, strategy: .random)
        #expect(feeder.count == 4)
        let seen = Collected<String>()
        let result = try runLoad(Options(scenarios: ["s": .sharedIterations(vus: 2, iterations: 200)])) { vu in
            let record = try feeder.next(vu)
            let person = try record.decode(Person.self)
            seen.add("\(person.id) \(person.name) \(person.langs.count) \(record["name"] ?? "?")")
        }
        #expect(result.scenario("s")?.iterations == 200)
        #expect(Set(seen.all) == ["1 Ada 1 Ada", "2 Grace 2 Grace", "3 Alan 0 Alan", "4 Edsger 1 Edsger"])
        // Each of four records drawn 200 times: all far from the 50 expected would be a broken draw.
        for (_, n) in Dictionary(grouping: seen.all, by: { $0 }) { #expect((20...80).contains(n.count)) }
    }

    @Test func aUniqueFeederHandsOutEachRecordOnceThenStopsTheRun() throws {
        let feeder = Feeder.csv(Self.csvPath, strategy: .unique)
        let seen = Collected<String>()
        let started = Date()
        let result = try runLoad(Options(scenarios: ["s": .sharedIterations(vus: 2, iterations: 1000)], workers: 2)) { vu in
            seen.add(try feeder.next(vu)["name"]!)
            try await vu.sleep(.milliseconds(10))
        }
        #expect(Date().timeIntervalSince(started) < 5)
        #expect(seen.all.sorted() == Self.names.sorted())
        // Six records, six iterations: an iteration still sleeping when the seventh draw stops the
        // run is counted as interrupted, not completed.
        let s = try #require(result.scenario("s"))
        #expect(s.iterations + s.interruptedIterations == 6, "\(s.iterations) completed, \(s.interruptedIterations) interrupted")
        #expect(result.exitCode == LoadRunner.ExitCode.scriptAborted)
        #expect(result.run.interruptReason == "feeder \(Self.csvPath) ran out of records: all 6 unique records were used")
    }

    @Test func arraysFeedToo() throws {
        let feeder = Feeder.array([10, 20, 30], strategy: .unique)
        let seen = Collected<Int>()
        let result = try runLoad(Options(scenarios: ["s": .perVUIterations(vus: 1, iterations: 3)])) { vu in
            seen.add(try feeder.next(vu))
        }
        #expect(seen.all == [10, 20, 30])
        #expect(result.exitCode == 0)
    }

    @Test func aBatchTakesSeveralRecordsInTurn() throws {
        // One request's worth of rows: three in a row from a sequential feeder, wrapping around.
        let feeder = Feeder.array([1, 2, 3, 4, 5], strategy: .sequential)
        let batches = Collected<[Int]>()
        _ = try runLoad(Options(scenarios: ["s": .perVUIterations(vus: 1, iterations: 3)])) { vu in
            batches.add(try feeder.next(vu, count: 3))
        }
        #expect(batches.all == [[1, 2, 3], [4, 5, 1], [2, 3, 4]])
    }

    @Test(arguments: [
        ("/no/such/dir/rows.csv", "cannot be read"),
        (Paths.fixtures + "/data/people.jsonl", "line 1 is not a JSON object"),
        (Paths.fixtures + "/data/header-only.csv", "has no records below its header"),
    ])
    func unreadableDataStopsTheRunAsBadInput(path: String, problem: String) throws {
        let feeder = path.hasSuffix(".jsonl") ? Feeder.jsonLines(Paths.fixtures + "/data/people.csv") : Feeder.csv(path)
        let result = try runLoad(Options(scenarios: ["s": .constantVUs(2, duration: .seconds(20))])) { vu in
            _ = try feeder.next(vu)
        }
        #expect(result.exitCode == LoadRunner.ExitCode.usage)
        #expect(result.run.interruptReason?.contains(problem) == true, "\(result.run.interruptReason ?? "")")
        #expect(result.run.durationSeconds < 5)
    }

    @Test func recordsSayWhatIsWrongWithAField() throws {
        let record = FeederRecord(fields: ["petal_length": "1.4", "species": "setosa"], json: nil)
        #expect(try record.value("petal_length", as: Double.self) == 1.4)
        #expect(throws: FeederError.self) { try record.value("species", as: Double.self) }
        do {
            _ = try record.value("sepal", as: Double.self)
        } catch {
            #expect("\(error)" == "feeder record has no field 'sepal' (fields: petal_length, species)")
        }
    }

    /// Prompt datasets as `vllm bench serve` reads them: ShareGPT (a JSON array, first human turn
    /// and the reply's length), OpenAI messages and plain prompts in JSON lines; records with no
    /// prompt are skipped. Synthetic prompts follow their length distributions, the same for a seed.
    @Test func promptDatasetsAndSyntheticPrompts() throws {
        let seen = Collected<Prompt>()
        let share = Feeder.prompts(Paths.fixtures + "/data/sharegpt_sample.json")
        let lines = Feeder.prompts(Paths.fixtures + "/data/prompts.jsonl", maxTokensCap: 30)
        #expect(share.count == 3 && lines.count == 3)
        _ = try runLoad(Options(scenarios: ["s": .sharedIterations(vus: 1, iterations: 3)])) { vu in
            seen.add(try share.next(vu))
            seen.add(try lines.next(vu))
        }
        let p = seen.all
        #expect(p[0].messages == [.user("Name three primary colours.")])
        // "Red, yellow and blue are the traditional primary colours used in painting." is 76
        // characters: 19 tokens at four characters a token.
        #expect(p[0].maxTokens == 19)
        #expect(p[1].messages == [.system("Be brief."), .user("Define entropy.")] && p[1].maxTokens == 13)
        #expect(p[2].messages == [.user("What is 2 + 2?")] && p[2].maxTokens == 1)
        #expect(p[3].text == "Write a haiku about load tests." && p[3].maxTokens == 30, "max_tokens 40 capped at 30")
        #expect(p[4].messages == [.user("Say hello.")] && p[4].maxTokens == nil, "no reply, no length hint")
        #expect(p[5].maxTokens == 8 && p[5].inputTokens == 9)

        let a = Feeder.syntheticPrompts(count: 200, inputTokens: .uniform(50, 150), outputTokens: .normal(mean: 64, stddev: 8), seed: 7)
        let b = Feeder.syntheticPrompts(count: 200, inputTokens: .uniform(50, 150), outputTokens: .normal(mean: 64, stddev: 8), seed: 7)
        let drawn = Collected<(Prompt, Prompt)>()
        _ = try runLoad(Options(scenarios: ["s": .sharedIterations(vus: 1, iterations: 200)])) { vu in
            drawn.add((try a.next(vu), try b.next(vu)))
        }
        let pairs = drawn.all
        #expect(pairs.allSatisfy { $0.0 == $0.1 }, "one seed, one set of prompts")
        let inputs = pairs.map { $0.0.inputTokens ?? 0 }, outputs = pairs.map { $0.0.maxTokens ?? 0 }
        #expect(inputs.allSatisfy { (50...150).contains($0) } && Set(inputs).count > 50)
        #expect(pairs.allSatisfy { $0.0.text.split(separator: " ").count == $0.0.inputTokens }, "n tokens, n words")
        let mean = Double(outputs.reduce(0, +)) / Double(outputs.count)
        #expect(abs(mean - 64) < 3 && outputs.allSatisfy { $0 >= 1 && $0 <= 96 })
        #expect(Set(pairs.map { $0.0.text }).count == 200, "every prompt differs from its first word")
        let bad = Feeder.syntheticPrompts(inputTokens: .fixed(0), outputTokens: .fixed(8))
        let stopped = try runLoad(Options()) { vu in _ = try bad.next(vu) }
        #expect(stopped.exitCode == LoadRunner.ExitCode.usage)
        #expect(stopped.run.interruptReason?.contains("a fixed length must be 1…1,000,000 (got 0)") == true, "\(stopped.run.interruptReason ?? "")")
    }
}
