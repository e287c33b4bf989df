import Foundation

/// One scrape of one endpoint.
struct ScrapeOutcome: Sendable {
    var target: String
    /// When the request was sent (monotonic nanoseconds): rates divide by the time between starts.
    var takenAt: UInt64
    var families: [PrometheusFamily]?
    var error: String?
    /// The scrape before the load started or after it ended: it sets the baseline or closes
    /// the counters' totals, and lands in no time-series point.
    var outsideLoad = false
}

/// Scrapes Prometheus endpoints on threads of its own, once per interval, off the workers' hot
/// path and off the coordinator's loop (a slow endpoint delays only its own thread).
///
/// Each scrape is timed for the middle of a one-second interval of the run, so it lands in that
/// interval's point before the workers close it. The coordinator takes finished scrapes with
/// `takeAll()`.
final class ServerScraper: @unchecked Sendable {
    let targets: [String]
    let interval: UInt64
    private let lock = NSCondition()
    private var done: [ScrapeOutcome] = []
    private var stopping = false
    private var threads: [Thread] = []
    private var running = 0

    init(targets: [String], interval: Duration) {
        self.targets = targets
        let (s, a) = interval.components
        self.interval = UInt64(max(0, s)) * 1_000_000_000 + UInt64(max(0, a) / 1_000_000_000)
    }

    /// The request timeout: shorter than the interval, so one endpoint's scrapes never overlap.
    private var timeoutMilliseconds: Int { max(100, Int(Double(interval) / 1e6 * 0.9)) }

    /// Scrapes every target once, now, on the calling thread (the baseline before the load and
    /// the final totals after it).
    func scrapeNow() -> [ScrapeOutcome] {
        targets.map { var o = scrape($0); o.outsideLoad = true; return o }
    }

    /// Starts one thread per target, scraping at `testStart + (k + ½) · interval`.
    func start(testStart: UInt64) {
        lock.lock()
        running = targets.count
        lock.unlock()
        for target in targets {
            let t = Thread { [self] in
                var k: UInt64 = 0
                while true {
                    let due = testStart &+ k &* interval &+ interval / 2
                    if !sleep(until: due) { break }
                    let o = scrape(target)
                    lock.lock()
                    done.append(o)
                    lock.unlock()
                    // A scrape that overran skips the slots it missed.
                    let now = MonotonicClock.now()
                    k += 1
                    if now > testStart &+ k &* interval &+ interval / 2 {
                        k = (now &- testStart) / interval + ((now &- testStart) % interval > interval / 2 ? 1 : 0)
                    }
                }
                lock.lock()
                running -= 1
                lock.broadcast()
                lock.unlock()
            }
            t.name = "swiftload-scrape"
            threads.append(t)
            t.start()
        }
    }

    /// Stops the threads and waits for them (at most one scrape's timeout).
    func stop() {
        lock.lock()
        stopping = true
        lock.broadcast()
        while running > 0 { lock.wait() }
        lock.unlock()
    }

    /// The scrapes finished since the last call, in the order they finished.
    func takeAll() -> [ScrapeOutcome] {
        lock.lock()
        defer { done.removeAll(); lock.unlock() }
        return done
    }

    /// Waits until `due` (monotonic); false when stopped first.
    private func sleep(until due: UInt64) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        while !stopping {
            let now = MonotonicClock.now()
            if now >= due { return true }
            _ = lock.wait(until: Date(timeIntervalSinceNow: Double(due - now) / 1e9))
        }
        return false
    }

    private func scrape(_ target: String) -> ScrapeOutcome {
        let at = MonotonicClock.now()
        switch MetricsFetch.get(target, timeoutMilliseconds: timeoutMilliseconds) {
        case .failure(let e):
            return ScrapeOutcome(target: target, takenAt: at, error: e.description)
        case .success(let body):
            do {
                return ScrapeOutcome(target: target, takenAt: at, families: try PrometheusTextParser.parse(body))
            } catch {
                return ScrapeOutcome(target: target, takenAt: at, error: "not Prometheus text: \(error)")
            }
        }
    }
}
