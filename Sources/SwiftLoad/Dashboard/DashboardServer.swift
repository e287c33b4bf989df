import Foundation
internal import FlyingFox

/// `swiftload run … --dashboard`: a page on loopback (by default 127.0.0.1:5665, k6's port)
/// that follows the run once a second — progress, requests per second, latency percentiles,
/// errors, VUs, thresholds, scraped server series, LLM calls — and at the end offers the HTML
/// report. Served by FlyingFox (a small HTTP server on Swift concurrency and plain sockets) on
/// the global concurrency pool, never on a worker's thread; the page loads nothing from
/// elsewhere.
public final class DashboardServer: Sendable {
    let state: DashboardState
    private let server: HTTPServer
    private let task: Task<Void, Never>
    /// Where the page is.
    public let url: String

    /// Starts serving on `address` (`HOST:PORT`, `:PORT` or `PORT`; the host must be an IPv4
    /// address). Throws a one-line error when it cannot listen there.
    public init(address: String, script: String?) throws {
        let (host, port) = try Self.parse(address)
        state = DashboardState(script: script)
        let socketAddress: sockaddr_in
        do { socketAddress = try .inet(ip4: host, port: port) } catch {
            throw DashboardError("--dashboard-address \(address): \(host) is not an IPv4 address")
        }
        server = HTTPServer(address: socketAddress, timeout: 10, logger: .disabled)
        url = "http://\(host):\(port)/"
        let state = self.state, server = self.server
        let started = DispatchSemaphore(value: 0)
        let failure = FailureBox()
        task = Task {
            await server.appendRoute("GET /") { _ in
                HTTPResponse(statusCode: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: Data(DashboardPage.html.utf8))
            }
            await server.appendRoute("GET /api/state") { _ in
                HTTPResponse(statusCode: .ok, headers: [.contentType: "application/json", .init("Cache-Control"): "no-store"], body: state.json())
            }
            await server.appendRoute("GET /report") { _ in
                guard let html = state.takeReport() else {
                    return HTTPResponse(statusCode: .notFound, headers: [.contentType: "text/plain"], body: Data("the report is ready when the run ends\n".utf8))
                }
                return HTTPResponse(statusCode: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: Data(html.utf8))
            }
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    do { try await server.run() } catch { failure.set("\(error)") }
                    started.signal()
                }
                group.addTask {
                    do { try await server.waitUntilListening(timeout: 5) } catch { failure.set("\(error)") }
                    started.signal()
                }
                await group.waitForAll()
            }
        }
        started.wait()
        if let problem = failure.get() {
            task.cancel()
            throw DashboardError("cannot serve the dashboard on \(address): \(problem)")
        }
    }

    /// The run started: its planned length.
    public func started(plannedSeconds: Double) { state.started(plannedSeconds: plannedSeconds) }
    public func point(_ p: TimeSeriesPoint) { state.point(p) }
    public func thresholds(_ outcomes: [ThresholdOutcome]) { state.thresholds(outcomes) }

    /// The run ended: the page shows the result's numbers and links the report. Waits up to
    /// `linger` for an open page to fetch them, then stops serving.
    public func finish(_ result: RunResult, linger: Duration = .seconds(10)) {
        state.finished(result, reportHTML: HTMLReport.render(result))
        let deadline = Date().addingTimeInterval(linger.seconds)
        while state.pageWaitsForTheEnd && Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        let done = DispatchSemaphore(value: 0)
        let server = self.server
        Task { await server.stop(timeout: 1); done.signal() }
        _ = done.wait(timeout: .now() + 3)
        task.cancel()
    }

    static func parse(_ address: String) throws -> (String, UInt16) {
        var host = "127.0.0.1", portText = address
        if let colon = address.lastIndex(of: ":") {
            let h = String(address[..<colon])
            if !h.isEmpty { host = h }
            portText = String(address[address.index(after: colon)...])
        }
        guard let port = UInt16(portText), port > 0 else {
            throw DashboardError("--dashboard-address \(address): expected HOST:PORT with a port of 1–65535, e.g. 127.0.0.1:5665")
        }
        return (host, port)
    }

    private final class FailureBox: @unchecked Sendable {
        private let lock = NSLock()
        private var problem: String?
        func set(_ p: String) { lock.lock(); if problem == nil { problem = p }; lock.unlock() }
        func get() -> String? { lock.lock(); defer { lock.unlock() }; return problem }
    }
}

/// A dashboard that cannot start (exit code 2, before any load).
public struct DashboardError: Error, CustomStringConvertible {
    public var description: String
    init(_ d: String) { description = d }
}
