import Foundation

/// `swiftload merge`: the results of a test's segments added into the result of the whole test.
///
/// Exact where the data allows: histograms add bucket by bucket (percentiles of the sum are those
/// of one histogram holding every request), and counters, checks, statuses, errors and
/// iterations add. Thresholds are judged again on the sum, never per segment. The time series is
/// aligned on the wall clock: points that end in the same second add their counts; their
/// percentiles are the highest of the segments' (the time series carries no histograms), an upper
/// bound, as when a long run's points are coarsened.
///
/// It refuses, rather than report a smaller run as whole: results of different scripts or
/// options, segments that overlap or leave a part of the test uncovered, and a segment that was
/// interrupted or failed. `allowPartial` accepts the last two and marks the result partial.
public enum ResultMerge {
    /// One result file to merge.
    public struct Input: Sendable {
        public var path: String
        public var result: RunResult
        public init(path: String, result: RunResult) {
            self.path = path
            self.result = result
        }
    }

    /// Adds `inputs` up; throws one line (exit code 2) for what cannot be merged.
    public static func merge(_ inputs: [Input], allowPartial: Bool = false) throws(ConfigurationError) -> RunResult {
        guard let first = inputs.first else { throw ConfigurationError(["merge needs at least one result file"]) }
        func refuse(_ message: String) -> ConfigurationError { ConfigurationError([message]) }

        var segments: [ExecutionSegment] = []
        for i in inputs {
            if let problem = Recorder.restoreProblem(i.result) { throw refuse("\(i.path) \(problem)") }
            if let merged = i.result.run.mergedSegments {
                segments += merged
            } else if let s = i.result.run.segment {
                segments.append(s)
            } else {
                throw refuse("\(i.path) was not run as a segment (--segment i/n): there is nothing to merge it with")
            }
            if i.result.run.scriptHash != first.result.run.scriptHash {
                throw refuse("\(i.path) and \(first.path) ran different scripts (script hashes \(short(i.result.run.scriptHash)) and \(short(first.result.run.scriptHash)))")
            }
            if i.result.run.optionsHash != first.result.run.optionsHash {
                throw refuse("\(i.path) and \(first.path) ran with different options (scenarios, thresholds or overrides differ)")
            }
        }
        var partial: [String] = []
        if let problem = ExecutionSegment.coverageProblem(segments) {
            if !problem.allowsPartial || !allowPartial {
                throw refuse(problem.description + (problem.allowsPartial ? " (--allow-partial merges what there is, marked partial)" : ""))
            }
            partial.append(problem.description)
        }
        for i in inputs {
            let r = i.result
            let incomplete = r.run.interrupted || r.run.partial == true
                || ![LoadRunner.ExitCode.ok, LoadRunner.ExitCode.thresholdsFailed].contains(r.exitCode)
            guard incomplete else { continue }
            let why = "segment \(r.run.segment?.description ?? "?") (\(i.path)) " + (r.run.interruptReason.map { "was interrupted: \($0)" }
                ?? (r.run.partial == true ? "is itself partial" : "failed with exit code \(r.exitCode)"))
            if !allowPartial { throw refuse(why + " (--allow-partial merges it anyway, marked partial)") }
            partial.append(why)
        }

        let totals = Recorder()
        for i in inputs { totals.merge(Recorder(restoring: i.result)) }

        // The merged run spans from the earliest start to the latest end on the wall clock.
        let starts = inputs.map { RFC3339.date($0.result.run.startTime) ?? Date(timeIntervalSince1970: 0) }
        let base = starts.min()!
        let end = zip(inputs, starts).map { $1.addingTimeInterval($0.result.run.durationSeconds) }.max()!
        let elapsed = end.timeIntervalSince(base)

        var thresholds: [ThresholdOutcome] = []
        // Every segment scrapes the same servers: the first that scraped speaks for them.
        let scraped = inputs.first { $0.result.serverMetrics != nil }?.result
        let evaluator = ThresholdEvaluator(totals: totals, elapsedSeconds: elapsed, server: scraped)
        for key in first.result.options.thresholds.keys.sorted() {
            for condition in first.result.options.thresholds[key]! {
                guard let t = try? ThresholdParser.parse(metricKey: key, condition: condition) else { continue }
                thresholds.append(evaluator.evaluate(t))
            }
        }
        let failed = thresholds.contains { !$0.passed }
        let exitCode = failed ? LoadRunner.ExitCode.thresholdsFailed : LoadRunner.ExitCode.ok

        var run = first.result.run
        run.startTime = RFC3339.string(base)
        run.durationSeconds = elapsed
        run.plannedDurationSeconds = inputs.map(\.result.run.plannedDurationSeconds).max() ?? 0
        run.interrupted = inputs.contains { $0.result.run.interrupted }
        run.interruptReason = inputs.compactMap(\.result.run.interruptReason).first
        run.stopKind = inputs.compactMap(\.result.run.stopKind).first
        run.workers = inputs.reduce(0) { $0 + $1.result.run.workers }
        run.cpuSeconds = inputs.allSatisfy { $0.result.run.cpuSeconds != nil }
            ? inputs.reduce(0) { $0 + $1.result.run.cpuSeconds! } : nil
        run.segment = nil
        run.mergedSegments = segments.sorted { ($0.from, $0.to) < ($1.from, $1.to) }
        run.partial = partial.isEmpty ? nil : true
        run.partialReasons = partial.isEmpty ? nil : partial
        // A segment whose generator limited it taints the whole test.
        let taint = inputs.flatMap { i in (i.result.run.taintReasons ?? []).map { "segment \(i.result.run.segment?.description ?? i.path): \($0)" } }
        run.tainted = taint.isEmpty ? nil : true
        run.taintReasons = taint.isEmpty ? nil : taint
        let hosts = Set(inputs.map(\.result.run.machine.hostname))
        run.machine.hostname = hosts.count == 1 ? hosts.first! : hosts.sorted().joined(separator: ",")
        run.machine.cpus = hosts.count == 1 ? run.machine.cpus : inputs.reduce(0) { $0 + $1.result.run.machine.cpus }

        var warnings = Array(Set(inputs.flatMap { $0.result.warnings ?? [] })).sorted()
        warnings += partial.map { "partial merge: \($0)" }
        let points = TimeSeriesAlignment.align(inputs.map(\.result.timeSeries), startOffsets: starts.map { $0.timeIntervalSince(base) })
        return ResultBuilder(
            run: run, options: first.result.options,
            scenarios: first.result.scenarios.map { .init(name: $0.name, executor: $0.executor, tags: $0.tags) },
            totals: totals, points: points, thresholds: thresholds, elapsedSeconds: elapsed,
            exitCode: exitCode, warnings: warnings, serverMetrics: scraped?.serverMetrics).build()
    }

    private static func short(_ hash: String?) -> String {
        hash.map { String($0.prefix(12)) } ?? "none"
    }

}
