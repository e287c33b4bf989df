import Testing
@testable import SwiftLoad

/// A long run's time series stays bounded: neighbouring points merge, counts add exactly and
/// percentiles never come out lower than a merged second's.
@Suite struct TimeSeriesCoarseningTests {
    func point(_ i: Int) -> TimeSeriesPoint {
        TimeSeriesPoint(t: Double(i + 1), seconds: 1, requests: 100 + i % 7, failures: i % 3, rps: Double(100 + i % 7),
                        p50: 1, p90: 2, p95: 3, p99: Double(4 + i % 11), max: Double(5 + i % 13),
                        iterations: 100 + i % 7, droppedIterations: i % 2, activeVUs: 3, vus: i % 5 + 1,
                        bytesReceived: 1000, bytesSent: 500,
                        byName: ["a": NamePoint(requests: 60 + i % 7, failures: 0, p50: 1, p95: 2, p99: Double(3 + i % 5), max: 9)],
                        byScenario: ["s": ScenarioPoint(requests: 100 + i % 7, failures: i % 3, iterations: 100 + i % 7,
                                                        droppedIterations: i % 2, vus: 3)])
    }

    @Test func tenHoursOfSecondsStayWithinTheBoundWithExactCounts() {
        var points: [TimeSeriesPoint] = []
        var requests = 0, failures = 0, dropped = 0, worstP99 = 0.0
        for i in 0..<36_000 {
            let p = point(i)
            requests += p.requests; failures += p.failures; dropped += p.droppedIterations
            worstP99 = max(worstP99, p.p99)
            points.append(p)
            if points.count > TimeSeriesCoarsening.maxPoints { points = TimeSeriesCoarsening.halve(points) }
        }
        #expect(points.count <= TimeSeriesCoarsening.maxPoints)
        #expect(points.count > TimeSeriesCoarsening.maxPoints / 4)
        #expect(points.reduce(0) { $0 + $1.requests } == requests)
        #expect(points.reduce(0) { $0 + $1.failures } == failures)
        #expect(points.reduce(0) { $0 + $1.droppedIterations } == dropped)
        #expect(points.reduce(0) { $0 + $1.byScenario["s"]!.requests } == requests)
        #expect(abs(points.reduce(0) { $0 + $1.seconds } - 36_000) < 1e-6)
        #expect(points.last?.t == 36_000)
        #expect(zip(points, points.dropFirst()).allSatisfy { $0.t < $1.t })
        #expect(points.map(\.p99).max() == worstP99)
        for p in points { #expect(abs(p.rps - Double(p.requests) / p.seconds) < 1e-9) }
    }

    @Test func aMergedPointTakesTheHigherPercentilesAndTheLaterVUs() {
        let m = TimeSeriesCoarsening.merge(point(0), point(4))
        #expect(m.requests == point(0).requests + point(4).requests)
        #expect(m.p99 == max(point(0).p99, point(4).p99))
        #expect(m.vus == point(4).vus && m.t == point(4).t && m.seconds == 2)
        #expect(m.byName["a"]!.requests == point(0).byName["a"]!.requests + point(4).byName["a"]!.requests)
    }
}
