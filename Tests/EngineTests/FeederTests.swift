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
}
