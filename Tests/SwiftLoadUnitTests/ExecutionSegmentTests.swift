import Testing
@testable import SwiftLoad

/// Execution segments as pure arithmetic: segments that cover the test add up to it exactly —
/// VU counts, iterations, arrivals and their instants — whatever the counts and the split.
@Suite struct ExecutionSegmentTests {
    private func segment(_ text: String) throws -> ExecutionSegment {
        try ExecutionSegment.parse(text).get()
    }

    @Test func bothNotationsNameTheSameLanes() throws {
        #expect(try segment("2/4") == segment("1/4:2/4"))
        #expect(try segment("0:1/3") == segment("1/3"))
        #expect(try segment("2/3:1").from == 2)
        #expect(try segment("0:2/4").description == "0:2/4")
        #expect(try segment("0:2/4") != segment("1/2"))     // lanes 0,1 of 4 are not lane 0 of 2
        #expect(try segment("0.25:0.5") == segment("2/4"))
        #expect(try segment("1/1").isWhole)
        #expect(try segment("0:1").isWhole)
        for text in ["2/4", "0:2/4", "1/4:1", "1/3", "0:1/3"] {
            #expect(try segment(segment(text).description) == segment(text))
        }
    }

    @Test(arguments: ["", "0/4", "5/4", "1/0", "a/b", "3", "1/2:1/4", "1/4:1/4", "0:2", "-1/4:1/4", "1/2:1/3:1",
                      "1/1000000", "1e-1:1"])
    func badSegmentsAreOneLineErrors(_ text: String) {
        guard case .failure(let e) = ExecutionSegment.parse(text) else {
            Issue.record("\(text) parsed")
            return
        }
        #expect(e.description.hasPrefix("--segment \(text):"))
        #expect(!e.description.contains("\n"))
    }

    /// Every split of every count: the segments' counts add to the count, and the items they
    /// own are each item exactly once.
    @Test(arguments: [["1/1"], ["1/2", "2/2"], ["1/3", "2/3", "3/3"], ["0:1/4", "1/4:3/4", "3/4:1"],
                      ["1/7", "2/7", "3/7", "4/7", "5/7", "6/7", "7/7"], ["0:2/5", "2/5:1"]])
    func segmentsPartitionEveryCount(_ texts: [String]) throws {
        let segments = try texts.map(segment)
        #expect(ExecutionSegment.coverageProblem(segments) == nil)
        for total in [0, 1, 2, 3, 5, 10, 11, 97, 1000] {
            #expect(segments.map { $0.count(total) }.reduce(0, +) == total)
            var owners = [Int](repeating: 0, count: total)
            for s in segments {
                for k in 0..<s.count(total) {
                    let j = s.global(k)
                    #expect(s.owns(j))
                    owners[j] += 1
                }
            }
            #expect(owners.allSatisfy { $0 == 1 }, "total \(total)")
        }
    }

    @Test func coverageNamesOverlapsGapsAndMixedLanes() throws {
        #expect(ExecutionSegment.coverageProblem(try ["1/4", "2/4", "3/4"].map(segment)) == .missing("3/4:1"))
        #expect(ExecutionSegment.coverageProblem(try ["1/4", "3/4", "4/4"].map(segment)) == .missing("1/4:2/4"))
        #expect(ExecutionSegment.coverageProblem(try ["0:2/4", "1/4:1"].map(segment)) == .overlap(try segment("1/4:1")))
        #expect(ExecutionSegment.coverageProblem(try ["0:1/2", "3/4", "4/4"].map(segment))?.description.contains("different lanes") == true)
        #expect(ExecutionSegment.coverageProblem(try ["2/2", "1/2"].map(segment)) == nil)
    }

    /// n segments of an open model, each split over its own number of workers, send exactly the
    /// single process's arrivals at exactly its instants.
    @Test(arguments: [(2, [1, 1]), (3, [2, 1, 3]), (4, [1, 2, 1, 2])])
    func segmentedArrivalsAreTheWholeSchedule(segments n: Int, workers: [Int]) throws {
        let curve = RampingArrivalRate(startRate: 0, stages: [Stage(target: 500, duration: .seconds(3)),
                                                              Stage(target: 120, duration: .seconds(2))],
                                       preAllocatedVUs: 1).curve
        func drain(_ s: ArrivalSchedule) -> [UInt64] {
            var s = s, out: [UInt64] = []
            while let t = s.popDue(now: .max) { out.append(t) }
            return out
        }
        let whole = drain(ArrivalSchedule(start: 7, curve: curve, worker: 0, participants: 1))
        var pieces: [UInt64] = []
        for i in 1...n {
            let seg = try segment("\(i)/\(n)")
            for w in 0..<workers[i - 1] {
                pieces += drain(ArrivalSchedule(start: 7, curve: curve, worker: w, participants: workers[i - 1], segment: seg))
            }
        }
        #expect(whole.count == curve.count)
        #expect(pieces.count == whole.count)
        #expect(pieces.sorted() == whole)
    }

    /// A ramp of VUs: at every target the segments' VU counts add to it, and their VU ids are the
    /// single process's ids.
    @Test func segmentedPlansAddUpToTheWholePlan() throws {
        let options = Options(scenarios: [
            "ramp": .rampingVUs(startVUs: 0, stages: [Stage(target: 13, duration: .seconds(10))]),
            "fixed": .constantVUs(5, duration: .seconds(5)),
            "shared": .sharedIterations(vus: 4, iterations: 1001),
        ])
        let whole = try ExecutionPlan.make(options: options, workers: 3)
        let plans = try (1...3).map { try ExecutionPlan.make(options: options, workers: $0, segment: segment("\($0)/3")) }
        for (index, p) in whole.scenarios.enumerated() {
            for target in 0...13 {
                let wholeCount = (0..<whole.workerCount).reduce(0) { $0 + p.share(target, worker: $1) }
                let sum = plans.reduce(0) { acc, plan in
                    acc + (0..<plan.workerCount).reduce(0) { $0 + plan.scenarios[index].share(target, worker: $1) }
                }
                #expect(sum == wholeCount, "\(p.name) at \(target)")
            }
            let maxVUs = p.scenario.executor.maxVUs
            var ids: [Int] = []
            for plan in plans {
                let q = plan.scenarios[index]
                for w in 0..<plan.workerCount {
                    for k in 0..<q.share(maxVUs, worker: w) { ids.append(q.vuID(worker: w, index: k)) }
                }
            }
            var wholeIDs: [Int] = []
            for w in 0..<whole.workerCount {
                for k in 0..<p.share(maxVUs, worker: w) { wholeIDs.append(p.vuID(worker: w, index: k)) }
            }
            #expect(ids.sorted() == wholeIDs.sorted(), "\(p.name)")
        }
        #expect(plans.map { $0.scenarios.first { $0.name == "shared" }!.sharedIterations!.total }.reduce(0, +) == 1001)
    }

    @Test func aSegmentWithoutVUsIsAConfigurationError() throws {
        let options = Options(scenarios: ["one": .constantVUs(1, duration: .seconds(1))])
        #expect(throws: ConfigurationError.self) { try ExecutionPlan.make(options: options, workers: 1, segment: segment("2/2")) }
    }

    @Test func theEnvironmentNamesTheSegment() throws {
        #expect(try SegmentEnvironment.segment(["JOB_COMPLETION_INDEX": "2", "SWIFTLOAD_SEGMENT_COUNT": "4"]).get() == segment("3/4"))
        #expect(try SegmentEnvironment.segment(["SWIFTLOAD_SEGMENT": "1/4:2/4"]).get() == segment("2/4"))
        #expect(try SegmentEnvironment.segment([:]).get() == nil)
        if case .success = SegmentEnvironment.segment(["JOB_COMPLETION_INDEX": "0"]) { Issue.record("no count accepted") }
        if case .success = SegmentEnvironment.segment(["JOB_COMPLETION_INDEX": "4", "SWIFTLOAD_SEGMENT_COUNT": "4"]) { Issue.record("index past count accepted") }
        #expect(try StartBarrier.parse("2026-12-03T10:00:00Z").get() == 1_796_292_000)
        #expect(try StartBarrier.parse("1796292000.5").get() == 1_796_292_000.5)
        if case .success = StartBarrier.parse("soon") { Issue.record("'soon' accepted") }
        #expect(StartBarrier.problem(Double.infinity) != nil)
        #expect(StartBarrier.problem(1e12, now: 1e9) != nil)
    }
}
