import Foundation
import Testing
@testable import SwiftLoad
import TestSupport

/// `data_sent` and `data_received` are the bytes that crossed the wire, on every transport and
/// for gRPC: a relay between the client and the server (nginx, grpcio) counts them, and the
/// run's counters must match it to the byte. (HTTP/2 counts frames as they were sent, header
/// blocks HPACK-compressed, not the fields.)
@Suite(.serialized) struct DataCountTests {
    /// One nginx for the suite; each test relays to it through its own counter. (A failure to
    /// start fails the tests that use it, not the test process.)
    static let shared = Result {
        try NginxServer(extraServerConfig: "location = /sink { client_max_body_size 1m; return 204; }",
                        httpConfig: "large_client_header_buffers 4 32k;")
    }

    /// GETs, POSTs with a body larger than one HTTP/2 frame, and a request whose header block
    /// needs CONTINUATION frames (over 16 KB even after HPACK: `#` has no short Huffman code).
    private static func traffic(_ base: String) -> @Sendable (VU) async throws -> Void {
        let body = [UInt8](repeating: 0x61, count: 40_000)
        let big: HTTPHeaders = ["x-a": String(repeating: "#", count: 6000), "x-b": String(repeating: "#", count: 6000),
                                "x-c": String(repeating: "#", count: 6000)]
        return { vu in
            try await vu.http.get(base + "/f64", name: "get")
            try await vu.http.post(base + "/sink", body: .bytes(body), name: "post")
            if vu.iteration % 10 == 0 { try await vu.http.get(base + "/index.html", headers: big, name: "big headers") }
        }
    }

    private func check(transport: HTTPTransport, upstreamPort: Int, connections: HTTP2Options = HTTP2Options()) throws {
        let relay = try ByteCounter(upstreamPort: upstreamPort)
        defer { relay.stop() }
        let result = try runLoad(Options(scenarios: ["s": .constantVUs(6, iterations: 120)], workers: 1,
                                         transport: transport, http2: connections), Self.traffic(relay.base))
        #expect(result.stats("get")?.count == 120)
        #expect(result.stats("get")?.failures == 0, "\(result.errors)")
        #expect((result.stats("big headers")?.count ?? 0) > 0)
        // HTTP/2: a frame of the connection's own after its last response (nginx's WINDOW_UPDATE,
        // 13 bytes, for the last body it read) has no request left to be counted with.
        try expectWireCounts(result, relay, sentShortBy: 0, receivedShortBy: transport == .http2 ? 13 : 0)
    }

    /// Once every relayed connection closed: the run's data counts equal the relay's, or fall
    /// short of them by at most the given bytes per connection (frames after its last response).
    private func expectWireCounts(_ result: RunResult, _ relay: ByteCounter, sentShortBy: Int, receivedShortBy: Int) throws {
        let wire = try #require(relay.totalsWhenClosed(), "the run left connections open: \(relay.output.suffix(200))")
        #expect(wire.connections > 0)
        let sent = result.requests.bytesSent, received = result.requests.bytesReceived
        #expect(sent <= wire.up && sent >= wire.up - sentShortBy * wire.connections,
                "data_sent \(sent), on the wire \(wire.up)")
        #expect(received <= wire.down && received >= wire.down - receivedShortBy * wire.connections,
                "data_received \(received), on the wire \(wire.down)")
    }

    @Test func builtInHTTP1CountsWhatCrossedTheWire() throws {
        try check(transport: .automatic, upstreamPort: Self.shared.get().port)
    }

    @Test func libcurlHTTP1CountsWhatCrossedTheWire() throws {
        try check(transport: .libcurl, upstreamPort: Self.shared.get().port)
    }

    @Test func grpcCountsFramesAsSent() throws {
        let server = try GRPCFixture()
        let relay = try ByteCounter(upstreamPort: server.port)
        defer { relay.stop() }
        let target = relay.address
        let result = try runLoad(Options(scenarios: ["s": .constantVUs(4, iterations: 200)], workers: 1,
                                         http2: HTTP2Options(connectionsPerTarget: 2))) { vu in
            let request = Inference_ModelInferRequest.fp32(model: "iris", rows: [[5.1, 3.5, 1.4, 0.2]])
            try await vu.grpc.unary(target, GRPCTests.infer, request, name: "infer")
        }
        #expect(result.stats("infer")?.grpcStatuses == ["OK": 200])
        // grpcio may send a PING (17 bytes, answered in kind) or a WINDOW_UPDATE (13) after a
        // connection's last response; nothing is left to count them with.
        try expectWireCounts(result, relay, sentShortBy: 30, receivedShortBy: 30)
    }

    @Test func http2CountsFramesAsSent() throws {
        try check(transport: .http2, upstreamPort: Self.shared.get().h2cPort,
                  connections: HTTP2Options(connectionsPerTarget: 2, maxConcurrentStreams: 4))
    }
}

/// A finished run leaves nothing open in a process that goes on: no connection (libcurl keeps
/// its own in the multi handle's cache), no event loop's descriptors, for any transport.
@Suite(.serialized) struct RunCleanupTests {
    private static func openDescriptors() -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? -1
    }

    @Test func aFinishedRunLeavesNoDescriptorOpen() throws {
        let nginx = try DataCountTests.shared.get()
        func run() throws {
            for (transport, base) in [(HTTPTransport.automatic, nginx.base), (.libcurl, nginx.base), (.http2, nginx.h2cBase)] {
                let result = try runLoad(Options(scenarios: ["s": .constantVUs(4, iterations: 40)], workers: 2,
                                                 transport: transport)) { vu in
                    try await vu.http.get(base + "/f64", name: "get")
                }
                #expect(result.stats("get")?.failures == 0, "\(transport): \(result.errors)")
            }
        }
        try run()   // the first run sets up what a process keeps (libcurl's global state, …)
        let before = Self.openDescriptors()
        try run()
        #expect(Self.openDescriptors() == before, "descriptors open before the runs: \(before)")
    }
}
