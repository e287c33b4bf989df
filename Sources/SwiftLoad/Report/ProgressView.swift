import Foundation

/// The live progress line: on a terminal, one line redrawn each second; otherwise a plain line
/// every few seconds; nothing with `--quiet`. Written to standard error so standard output
/// carries only the summary.
public final class ProgressView: @unchecked Sendable {
    // @unchecked: used only by the coordinator thread.
    public enum Mode: Sendable {
        case terminal
        case plain(everySeconds: Int)
        case off
    }

    private let mode: Mode
    private var planned: Double = 0
    private var maxVUs = 0
    private var shownPoints = 0
    private var lastPlainLine = 0.0
    private var drewLine = false

    public init(mode: Mode) { self.mode = mode }

    /// Terminal mode when standard error is a terminal, plain lines otherwise.
    public static func automatic(quiet: Bool, plainEverySeconds: Int) -> ProgressView {
        if quiet { return ProgressView(mode: .off) }
        return ProgressView(mode: isatty(2) != 0 ? .terminal : .plain(everySeconds: max(1, plainEverySeconds)))
    }

    func begin(plan: ExecutionPlan) {
        planned = Double(plan.plannedDuration) / 1e9
        maxVUs = plan.scenarios.reduce(0) { $0 + $1.scenario.executor.maxVUs }
    }

    /// Thresholds failing at the last live evaluation, and how many there are.
    var liveThresholds: (failing: Int, total: Int)?

    func update(aggregator: Aggregator, now: UInt64) {
        guard aggregator.closedPoints > shownPoints, let last = aggregator.latest else { return }
        shownPoints = aggregator.closedPoints
        switch mode {
        case .off:
            return
        case .terminal:
            write("\r\u{1B}[2K" + line(last, aggregator))
            drewLine = true
        case .plain(let every):
            if last.t - lastPlainLine >= Double(every) - 0.001 {
                lastPlainLine = last.t
                write(line(last, aggregator) + "\n")
            }
        }
    }

    func stopping() {
        if case .off = mode { return }
        write((drewLine ? "\n" : "") + "stopping: interrupting in-flight requests and writing the reports (Ctrl-C again to stop waiting)\n")
        drewLine = false
    }

    /// A one-line warning about the run (shown in every mode but `--quiet`'s silence of progress
    /// lines does not hide it: it says the numbers need reading differently).
    func warn(_ message: String) {
        write((drewLine ? "\r\u{1B}[2K" : "") + "warning: \(message)\n")
    }

    func finish() {
        if drewLine { write("\r\u{1B}[2K") }
        drewLine = false
    }

    private func line(_ p: TimeSeriesPoint, _ a: Aggregator) -> String {
        let all = a.allRequests
        let p99 = Double(HistogramSummary(all.duration, percentiles: [99]).values[0]) / 1000
        let errRate = all.requests > 0 ? Double(all.failures) / Double(all.requests) * 100 : 0
        var dropped = 0
        for s in a.totals.scenarios.values { dropped += s.dropped }
        var text = String(format: "running %@/%@  vus %d/%d  %@ req/s  p99 %@  errors %@ (%.2f%%)",
                          Self.clock(p.t), Self.clock(planned), p.activeVUs, a.allocatedVUs,
                          NumberFormat.grouped(Int(p.rps.rounded())), DurationFormat.milliseconds(p99),
                          NumberFormat.grouped(all.failures), errRate)
        if dropped > 0 { text += "  dropped \(NumberFormat.grouped(dropped))" }
        if let (failing, total) = liveThresholds, failing > 0 { text += "  thresholds \(failing)/\(total) failing" }
        return text
    }

    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded(.down))
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                         : String(format: "%d:%02d", s / 60, s % 60)
    }

    private func write(_ s: String) {
        FileHandle.standardError.write(Data(s.utf8))
    }
}
