import Synchronization

/// One worker's metrics for one 1-second interval (or the partial last one), handed to the
/// coordinator. The worker never touches the recorder again after posting it.
struct WorkerSnapshot: @unchecked Sendable {
    // @unchecked: ownership of `recorder` moves to the coordinator with the snapshot.
    let worker: Int
    /// Interval index: 0 covers the first second after the test's start.
    let interval: Int
    let recorder: Recorder
    let activeIterations: Int
    let allocatedVUs: Int
    /// Per scenario, `ScenarioRunner.currentVUs` when the snapshot was taken.
    let scenarioVUs: [String: Int]
    /// The worker has finished; this was its partial last interval.
    let isFinal: Bool
    /// When the snapshot was taken.
    let taken: UInt64
    /// CPU time the worker's thread used since its previous snapshot, and the wall-clock time
    /// that covers: how busy the generator itself was (`GeneratorCheck`).
    var cpuNanoseconds: UInt64 = 0
    var wallNanoseconds: UInt64 = 0
}

/// The only channel from workers to the coordinator: at most one post per worker per second,
/// and, rarely, a request to stop the whole run.
final class SnapshotMailbox: Sendable {
    private let queue = Mutex<[WorkerSnapshot]>([])
    private let abort = Mutex<(reason: String, exitCode: Int)?>(nil)

    /// Asks the coordinator to stop the run and end with `exitCode` (the first request wins).
    func requestAbort(_ reason: String, exitCode: Int) {
        abort.withLock { if $0 == nil { $0 = (reason, exitCode) } }
    }

    var abortRequest: (reason: String, exitCode: Int)? { abort.withLock { $0 } }

    func post(_ snapshot: WorkerSnapshot) {
        queue.withLock { $0.append(snapshot) }
    }

    func takeAll() -> [WorkerSnapshot] {
        queue.withLock { q in
            defer { q.removeAll() }
            return q
        }
    }
}
