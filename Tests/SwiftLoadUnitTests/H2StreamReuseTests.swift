import Testing
@testable import SwiftLoad

/// A VU's HTTP/2 channel reuses its last finished stream for the next request (`H2Stream.reuse`).
/// Whatever a request left in it must not reach the next one: a reused stream equals a new one
/// in every field but its clock readings and its send generation.
@Suite struct H2StreamReuseTests {
    /// Set only while a stream is in flight (a finished stream has none of them), or fixed for
    /// its life: not part of what a request leaves behind.
    private static let inFlightOrFixed: Set<String> = ["driver", "continuation", "connection", "trackIndex"]
    /// Read from the clock, or moved on by design.
    private static let moving: Set<String> = ["startedAt", "deadline", "sendGeneration"]

    private func fields(_ s: H2Stream) -> [String: String] {
        var out: [String: String] = [:]
        for child in Mirror(reflecting: s).children {
            guard let label = child.label else { continue }
            out[label] = String(reflecting: child.value)
        }
        return out
    }

    /// A socket driver for streams that are never sent (a stream refers to its driver unowned:
    /// keep it for as long as they live).
    private func idleDriver() -> SocketDriver {
        SocketDriver(loop: EventLoop(), settings: HTTPSettings(options: Options(), insecureOverride: false))
    }

    /// A GET of `path` with no fields and no body.
    private func get(_ path: String) -> H2Stream.Request {
        H2Stream.Request(headers: H2HeaderBlock(method: "GET", scheme: "http", authority: "a.test", path: path, fields: []),
                         body: [])
    }

    @Test func aReusedStreamIsANewStreamInEveryField() throws {
        let driver = idleDriver()
        let next = get("/next")
        let fresh = H2Stream(request: next, driver: driver, keepLimit: 64, messageLimit: nil, timeoutNs: 2_000_000_000)

        // A stream after a gRPC call that failed late: every field away from a new stream's.
        var earlier = H2Stream.Request(headers: H2HeaderBlock(method: "POST", scheme: "https", authority: "b.test",
                                                              path: "/svc/M", fields: [("te", "trailers")]),
                                       body: [0, 0, 0, 0, 1, 7, 0, 0, 0, 0, 1, 8])
        earlier.messageEnds = [6, 12]
        earlier.intervalNs = 1_000_000
        let used = H2Stream(request: earlier, driver: driver, keepLimit: 1_024, messageLimit: 4_096, timeoutNs: 5_000_000_000)
        used.tracksMessages = true
        used.observer = BodyObserver { _, _ in }
        used.status = 200
        used.streamID = 9
        used.attempts = 2
        used.bodyOffset = 6
        used.submittedAt = 11
        used.firstByteAt = 12
        used.firstMessageAt = 13
        used.endedAt = 14
        used.queuedAt = 15
        used.queuedNs = 16
        used.connectingUs = 17
        used.tlsUs = 18
        used.bytesSent = 19
        used.bytesReceived = 20
        ([0, 0, 0, 0, 1, 0x2A] as [UInt8]).withUnsafeBytes { used.received(data: $0) }   // one whole message
        used.truncated = true
        Array("content-type: application/grpc\r\n".utf8).withUnsafeBytes { used.receivedBlock($0) }
        Array("grpc-status: 13\r\n".utf8).withUnsafeBytes { used.receivedBlock($0) }
        used.error = RequestError(.protocolError, "stream reset by the server")
        used.released = 2
        used.deferred = true

        let before = fields(used), new = fields(fresh)
        // Every field the test can reach is dirtied: a field added to H2Stream shows up here
        // until this test dirties it too, and then the comparison below checks `reuse` resets it.
        let untouched = new.keys.filter {
            before[$0] == new[$0] && !Self.inFlightOrFixed.contains($0) && !Self.moving.contains($0)
        }
        #expect(untouched.isEmpty, "fields a request's state does not reach in this test: \(untouched.sorted())")

        let generation = used.sendGeneration
        used.reuse(request: next, keepLimit: 64, messageLimit: nil, timeoutNs: 2_000_000_000)
        let after = fields(used)
        #expect(after.keys.sorted() == new.keys.sorted())
        for (label, value) in new where !Self.moving.contains(label) {
            #expect(after[label] == value, "\(label) after reuse: \(after[label] ?? "none"), new: \(value)")
        }
        #expect(used.sendGeneration > generation)
        #expect(used.deadline &- used.startedAt == fresh.deadline &- fresh.startedAt)
        #expect(used.startedAt >= fresh.startedAt)
    }

    /// A reused stream refills the arrays it handed out in place: the response that got them
    /// (held by the script past the next request) keeps its own bytes all the same.
    @Test func aResponseHeldPastTheNextRequestKeepsItsHeadersAndBody() throws {
        let driver = idleDriver()
        let request = get("/")
        let stream = H2Stream(request: request, driver: driver, keepLimit: 1_024, messageLimit: nil, timeoutNs: 1_000_000_000)
        func answer(_ header: String, _ body: String) {
            stream.status = 200
            Array(header.utf8).withUnsafeBytes { stream.receivedBlock($0) }
            Array(body.utf8).withUnsafeBytes { stream.received(data: $0) }
        }
        answer("etag: \"first\"\r\n", "first body")
        let held = TransferOutcome(stream)
        stream.reuse(request: request, keepLimit: 1_024, messageLimit: nil, timeoutNs: 1_000_000_000)
        #expect(stream.rawHeaders.isEmpty && stream.body.isEmpty)
        answer("etag: \"2\"\r\n", "2")
        #expect(String(decoding: held.headerBytes, as: UTF8.self) == "etag: \"first\"\r\n")
        #expect(String(decoding: held.body, as: UTF8.self) == "first body")
        #expect(String(decoding: stream.rawHeaders, as: UTF8.self) == "etag: \"2\"\r\n")
        #expect(String(decoding: stream.body, as: UTF8.self) == "2")
    }
}
