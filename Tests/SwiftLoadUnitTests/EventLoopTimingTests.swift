import Foundation
import Synchronization
import Testing
@testable import SwiftLoad

/// The loop computes how long to wait from a clock reading it takes once per turn, and reads the
/// clock again only when work ran after that reading. Work that did run must never make a later
/// timer late.
@Suite(.serialized) struct EventLoopTimingTests {
    @Test func aTimerAfterSlowWorkInTheSameTurnFiresOnTime() throws {
        // The loop is confined to the thread below once it runs; everything here is set up first.
        nonisolated(unsafe) let loop = EventLoop()
        let firedAt = Mutex<UInt64?>(nil)
        let start = MonotonicClock.now()
        let slowDue = start + 50_000_000, laterDue = start + 300_000_000
        // Due first: 200 ms of work inside the turn, after the turn's clock reading.
        loop.schedule(at: slowDue) {
            let until = MonotonicClock.now() + 200_000_000
            while MonotonicClock.now() < until {}
        }
        loop.schedule(at: laterDue) {
            firedAt.withLock { $0 = MonotonicClock.now() }
            loop.stop()
        }
        // A limit on the test, not the measurement: stop the loop whatever happens.
        loop.schedule(at: start + 5_000_000_000) { loop.stop() }
        let thread = Thread { loop.run() }
        thread.start()
        while !thread.isFinished { usleep(5_000) }

        let fired = try #require(firedAt.withLock { $0 })
        // Waiting from the stale reading would fire it ~200 ms late.
        #expect(fired >= laterDue)
        #expect(fired - laterDue < 100_000_000, "fired \((fired - laterDue) / 1_000_000) ms late")
    }
}
