import Testing
@testable import SwiftLoad

/// Think-time distributions, sampled with a seeded generator (no clock, no sleeping).
@Suite struct ThinkTimeTests {
    static func samples(_ t: ThinkTime, _ n: Int = 100_000) -> [Double] {
        var rng = VURandom(seed: 42)
        return (0..<n).map { _ in Double(t.sample(&rng).nanoseconds) / 1e6 }
    }

    static func meanAndSD(_ xs: [Double]) -> (Double, Double) {
        let mean = xs.reduce(0, +) / Double(xs.count)
        let variance = xs.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(xs.count - 1)
        return (mean, variance.squareRoot())
    }

    @Test func constantIsConstant() {
        #expect(Set(Self.samples(.constant(.milliseconds(250)), 100)) == [250])
    }

    @Test func uniformStaysInItsBoundsAndCentres() {
        let xs = Self.samples(.uniform(.milliseconds(100), .milliseconds(300)))
        #expect(xs.min()! >= 100 && xs.max()! <= 300)
        let (mean, sd) = Self.meanAndSD(xs)
        #expect(abs(mean - 200) < 2)
        // A uniform distribution's standard deviation is its width / √12.
        #expect(abs(sd - 200 / 12.0.squareRoot()) < 2)
        // Bounds in either order mean the same.
        #expect(Self.samples(.uniform(.milliseconds(300), .milliseconds(100)), 10) == Array(xs.prefix(10)))
    }

    @Test func exponentialHasItsMeanAndAStandardDeviationEqualToIt() {
        let xs = Self.samples(.exponential(mean: .milliseconds(500)))
        let (mean, sd) = Self.meanAndSD(xs)
        #expect(abs(mean - 500) < 10, "mean \(mean)")
        #expect(abs(sd - 500) < 15, "sd \(sd)")
        // Memorylessness shows as P(X > mean) = 1/e.
        let above = Double(xs.filter { $0 > 500 }.count) / Double(xs.count)
        #expect(abs(above - 0.3679) < 0.01)
    }
}
