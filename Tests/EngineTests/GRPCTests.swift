import Foundation
import Synchronization
import Testing
@testable import SwiftLoad
import TestSupport

/// gRPC unary calls against a real grpcio server speaking the Open Inference Protocol, and
/// against a scripted HTTP/2 server for the cases no real server produces on demand.
@Suite(.serialized) struct GRPCTests {
    static let infer = "/inference.GRPCInferenceService/ModelInfer"
    static let rows: [[Float]] = [[5.1, 3.5, 1.4, 0.2], [5.9, 3.0, 4.2, 1.5], [6.3, 3.3, 6.0, 2.5]]

    @Test func modelInferPredictsAndEveryCallIsCounted() throws {
        let server = try GRPCFixture()
        let target = server.address
        let result = try runLoad(Options(
            scenarios: ["infer": .constantVUs(8, iterations: 600)],
            thresholds: ["http_req_duration{name:ModelInfer}": "p(99) < 2s", "http_req_failed": "rate == 0"],
            http2: HTTP2Options(connectionsPerTarget: 2))) { vu in
            let row = Self.rows[vu.iteration % 3]
            let request = Inference_ModelInferRequest.fp32(model: "iris", rows: [row], raw: vu.iteration % 2 == 0)
            let r = try await vu.grpc.unary(target, Self.infer, request, name: "ModelInfer")
            vu.check(r, "predicted class") { try $0.decode(Inference_ModelInferResponse.self).int64Values() == [Int64(vu.iteration % 3)] }
        }
        let stats = try #require(result.stats("ModelInfer"))
        #expect(stats.count == 600)
        #expect(stats.failures == 0)
        #expect(stats.grpcStatuses == ["OK": 600])
        #expect(result.checks.first?.fails == 0)
        #expect(result.exitCode == 0)
        // The server counted the same calls (ServerMetadata's version is its count).
        let count = Mutex<String>("")
        _ = try runLoad(Options(scenarios: ["meta": .constantVUs(1, iterations: 1)])) { vu in
            let r = try await vu.grpc.unary(target, "/inference.GRPCInferenceService/ServerMetadata", Inference_ServerMetadataRequest())
            let meta = try r.decode(Inference_ServerMetadataResponse.self)
            count.withLock { $0 = meta.version }
        }
        #expect(count.withLock { $0 } == "600")
    }

    @Test func nonOKStatusesAreClassifiedByCodeName() throws {
        let server = try GRPCFixture()
        let target = server.address
        let result = try runLoad(Options(scenarios: ["s": .constantVUs(2, iterations: 4)], thresholds: [
            "grpc_reqs{status:UNAVAILABLE}": "count == 4",
            "grpc_reqs{status:5,name:missing}": "count == 4",
            "grpc_reqs{status:OK}": "count > 0",          // fails: none succeeded
            "grpc_reqs": "count == 16",
        ])) { vu in
            var missing = Inference_ModelInferRequest()
            missing.modelName = "missing"      // NOT_FOUND, trailers-only
            let a = try await vu.grpc.unary(target, Self.infer, missing, name: "missing")
            vu.check(a, "NOT_FOUND") { $0.code == .notFound && $0.statusMessage == "Model missing not found" && $0.message == nil }
            var busy = Inference_ModelInferRequest()
            busy.modelName = "unavailable"
            let b = try await vu.grpc.unary(target, Self.infer, busy, metadata: ["x-tenant": "t1"], name: "busy")
            vu.check(b, "UNAVAILABLE") { $0.code == .unavailable }
            var slow = Inference_ModelInferRequest.fp32(model: "iris", rows: [Self.rows[0]])
            slow.id = "delay=400"
            let c = try await vu.grpc.unary(target, Self.infer, slow, deadline: .milliseconds(100), name: "deadline")
            vu.check(c, "DEADLINE_EXCEEDED") { $0.code == .deadlineExceeded && $0.timings.duration < .milliseconds(300) }
            let d = try await vu.grpc.unary(target, "/inference.GRPCInferenceService/Nope", bytes: [], name: "unknown method")
            vu.check(d, "UNIMPLEMENTED") { $0.code == .unimplemented }
        }
        for c in result.checks { #expect(c.fails == 0, "\(c.name)") }
        #expect(result.errorCount(.grpc(.notFound)) == 4)
        #expect(result.errorCount(.grpc(.unavailable)) == 4)
        #expect(result.errorCount(.grpc(.deadlineExceeded)) == 4)
        #expect(result.errorCount(.grpc(.unimplemented)) == 4)
        #expect(result.errors.contains { $0.errorClass == "grpc_unavailable" && $0.sample == "overloaded, try later" })
        #expect(result.requests.grpcStatuses == ["NOT_FOUND": 4, "UNAVAILABLE": 4, "DEADLINE_EXCEEDED": 4, "UNIMPLEMENTED": 4])
        // Thresholds address gRPC status counts by code name or number.
        let verdicts = Dictionary(uniqueKeysWithValues: result.thresholds.map { ($0.metric, $0.passed) })
        #expect(verdicts == ["grpc_reqs{status:UNAVAILABLE}": true, "grpc_reqs{status:5,name:missing}": true,
                             "grpc_reqs{status:OK}": false, "grpc_reqs": true])
        #expect(result.exitCode == 99)
    }

    /// gRPC metadata obeys the same header rules as HTTP requests (`HeaderPolicy`): a line break
    /// or a name that is not a token fails the call before anything is sent.
    @Test func metadataThatWouldBreakTheHeaderBlockIsRefusedLocally() throws {
        let server = try GRPCFixture()
        let target = server.address
        let codes = Collected<String>()
        let result = try runLoad(Options(scenarios: ["s": .sharedIterations(vus: 1, iterations: 2)])) { vu in
            let request = Inference_ModelInferRequest.fp32(model: "iris", rows: [Self.rows[0]])
            let bad = try await vu.grpc.unary(target, Self.infer, request, metadata: ["x-note": "a\r\nx-evil: 1"], name: "bad")
            let badName = try await vu.grpc.unary(target, Self.infer, request, metadata: ["x note": "1"], name: "bad name")
            let good = try await vu.grpc.unary(target, Self.infer, request, metadata: ["x-note": "fine"], name: "good")
            codes.add("\(bad.code.name) \(badName.code.name) \(good.code.name)")
        }
        #expect(codes.all == ["INTERNAL INTERNAL OK", "INTERNAL INTERNAL OK"])
        #expect(result.errorCount(.protocolError) == 4)
        #expect(result.stats("good")?.failures == 0)
        #expect(result.errors.contains { $0.sample.contains("line break") })
    }

    @Test func largeMessagesFlowBothWaysAndOversizedOnesAreRefused() throws {
        let server = try GRPCFixture()
        let target = server.address
        let mib = 1 << 20
        let sizes = Mutex<[Int64]>([])
        let result = try runLoad(Options(scenarios: ["s": .constantVUs(1, iterations: 2)], grpcMaxMessageSize: 16 * mib)) { vu in
            // 8 MiB up: the server reports what it received.
            let up = Inference_ModelInferRequest(model: "echo", inputs: [
                InferInput(name: "x", shape: [2 * mib], values: .fp32([Float](repeating: 1, count: 2 * mib)))], raw: true)
            let a = try await vu.grpc.unary(target, Self.infer, up, name: "upload")
            sizes.withLock { $0 += (try? a.decode(Inference_ModelInferResponse.self).int64Values()) ?? [-1] }
            // 8 MiB down.
            var down = Inference_ModelInferRequest()
            down.modelName = "big"
            down.id = "size=\(8 * mib)"
            let b = try await vu.grpc.unary(target, Self.infer, down, name: "download")
            sizes.withLock { $0.append(Int64((try? b.decode(Inference_ModelInferResponse.self).rawOutputContents.first?.count) ?? -1)) }
        }
        #expect(sizes.withLock { $0 } == [Int64(8 * mib), Int64(8 * mib), Int64(8 * mib), Int64(8 * mib)])
        #expect(result.requests.failures == 0)

        // Over the default 4 MiB limit: refused as RESOURCE_EXHAUSTED, and the next call works.
        let limited = try runLoad(Options(scenarios: ["s": .constantVUs(1, iterations: 3)])) { vu in
            var down = Inference_ModelInferRequest()
            down.modelName = "big"
            down.id = "size=\(6 * mib)"
            _ = try await vu.grpc.unary(target, Self.infer, down, name: "too big")
            _ = try await vu.grpc.unary(target, Self.infer, Inference_ModelInferRequest.fp32(model: "iris", rows: [Self.rows[0]]), name: "after")
        }
        #expect(limited.errorCount(.grpc(.resourceExhausted)) == 3)
        #expect(limited.errors.first?.sample.contains("larger than max") == true)
        #expect(limited.stats("after")?.failures == 0)
    }

    @Test func brokenTargetsAreCountedAndClassifiedAndTheRunFinishes() throws {
        let h2 = try H2Fixture()
        let http1 = try FixtureServer()
        let closed = "127.0.0.1:\(Ports.free())"
        // Addresses, not servers: a script outlives its run in this process.
        let http1Address = http1.address, h2Address = h2.address
        let result = try runLoad(Options(scenarios: ["s": .constantVUs(2, iterations: 4)], requestTimeout: .seconds(5))) { vu in
            _ = try await vu.grpc.unary(closed, Self.infer, bytes: [], name: "refused")
            _ = try await vu.grpc.unary("no-such-host.invalid:8081", Self.infer, bytes: [], name: "dns")
            _ = try await vu.grpc.unary(http1Address, Self.infer, bytes: [], name: "http1")
            for path in ["/grpc/html", "/grpc/truncated", "/grpc/no-status", "/rst", "/grpc/ok"] {
                _ = try await vu.grpc.unary(h2Address, path, bytes: [], name: path)
            }
        }
        func error(_ name: String) -> ErrorRow? { result.errors.first { $0.name == name } }
        #expect(error("refused")?.errorClass == "connection_refused")
        #expect(error("dns")?.errorClass == "dns")
        // An HTTP/1.1 server on the port: usually its reply is read and named; when it closes the
        // connection over the unreadable preface first, the call fails as a lost connection.
        let http1Errors = result.errors.filter { $0.name == "http1" }
        #expect(!http1Errors.isEmpty, "the call to an HTTP/1.1 server did not fail")
        #expect(http1Errors.contains { $0.sample.contains("answered in HTTP/1.1") } || http1Errors.allSatisfy { $0.errorClass.hasPrefix("connection_") })
        #expect(error("/grpc/html")?.sample == "response content-type is \"text/html\", not application/grpc")
        #expect(error("/grpc/truncated")?.sample == "truncated gRPC message: 15 of 105 bytes")
        #expect(error("/grpc/no-status")?.errorClass == "grpc_unknown")
        #expect(error("/rst")?.sample == "stream reset by the server: INTERNAL_ERROR")
        for name in ["refused", "dns", "http1", "/grpc/html", "/grpc/truncated", "/grpc/no-status", "/rst"] {
            #expect(result.stats(name)?.failures == 4, "\(name)")
        }
        #expect(result.stats("/grpc/ok")?.failures == 0)
        #expect(result.scenario("s")?.iterations == 4)
        // refused and dns (4 each), plus any http1 call that ended as a lost connection.
        #expect((result.requests.grpcStatuses["UNAVAILABLE"] ?? 0) >= 8)
    }

    @Test func serverStreamingKeepsEveryMessageAndTimesTheFirst() throws {
        let server = try GRPCFixture()
        let target = server.address
        let seen = Mutex<[(Int, Double, Double)]>([])
        let result = try runLoad(Options(scenarios: ["s": .constantVUs(2, iterations: 4)])) { vu in
            let r = try await vu.grpc.unary(target, "/test.Stream/Count", bytes: Array("1,0".utf8), name: "one")
            let s = try await vu.grpc.serverStreaming(target, "/test.Stream/Count", Inference_ServerLiveRequest(),
                                                     metadata: [:], name: "bad request")
            _ = (r, s)
            let stream = try await vu.grpc.serverStreaming(target, "/test.Stream/Count", bytes: Array("5,40".utf8), name: "five")
            seen.withLock {
                $0.append((stream.messages.count, stream.timeToFirstMessage.map { $0.seconds * 1000 } ?? -1,
                           stream.timings.duration.seconds * 1000))
            }
            vu.check(stream, "messages in order") { $0.messages.map { String(decoding: $0, as: UTF8.self) } == ["0", "1", "2", "3", "4"] }
        }
        for (count, first, total) in seen.withLock({ $0 }) {
            #expect(count == 5)
            #expect(first >= 0 && first < 40, "first message after \(first) ms")
            #expect(total >= 160, "whole call \(total) ms")
        }
        #expect(result.checks.first { $0.name == "messages in order" }?.fails == 0)
        #expect(result.stats("five")?.failures == 0)
        #expect(result.stats("one")?.failures == 0)
        // An unparseable request ("" is not "N,MS") makes the server fail the call.
        #expect(result.stats("bad request")?.failures == 4)
    }

    /// Client streaming and bidirectional calls against grpcio: messages paced 30 ms apart reach
    /// the server 30 ms apart (its own clock says so), a bidirectional call's echoes come back at
    /// that pace and are recorded per message (`stream_first_message`, `stream_message_gap`),
    /// and server streaming is recorded per message too.
    @Test func clientAndBidirectionalStreamingArePacedAndTimedPerMessage() throws {
        let server = try GRPCFixture()
        let target = server.address
        let replies = Mutex<[String]>([])
        let echoes = Mutex<[[Double]]>([])
        let result = try runLoad(Options(scenarios: ["s": .sharedIterations(vus: 2, iterations: 4)])) { vu in
            let numbers = (1...5).map { Array(String($0).utf8) }
            let sum = try await vu.grpc.streaming(target, "/test.Stream/Sum", bytes: numbers, interval: .milliseconds(30),
                                                  name: "sum", replies: .one)
            let burst = try await vu.grpc.streaming(target, "/test.Stream/Sum", bytes: numbers, name: "burst", replies: .one)
            let none = try await vu.grpc.streaming(target, "/test.Stream/Sum", bytes: [], name: "none", replies: .one)
            let echo = try await vu.grpc.streaming(target, "/test.Stream/Echo", bytes: numbers, interval: .milliseconds(30),
                                                   name: "echo", replies: .many)
            _ = try await vu.grpc.serverStreaming(target, "/test.Stream/Count", bytes: Array("4,20".utf8), name: "count")
            replies.withLock {
                $0 += [sum, burst, none].map { String(decoding: $0.message ?? [], as: UTF8.self) }
                $0.append(echo.messages.map { String(decoding: $0, as: UTF8.self) }.joined(separator: " "))
            }
            echoes.withLock { $0.append(echo.messageArrivals.map { $0.seconds * 1000 }) }
        }
        let all = replies.withLock { $0 }
        #expect(all.count == 16)
        for i in stride(from: 0, to: all.count, by: 4) {
            let paced = all[i].split(separator: ","), burst = all[i + 1].split(separator: ",")
            #expect(paced.count == 3 && paced[0] == "5" && paced[1] == "15", "\(all[i])")
            // Four intervals of 30 ms between the first and the last message, by the server's clock
            // (grpcio reads the first message once its handler runs, up to ~15 ms after it arrived).
            let span = Double(paced[2]) ?? -1
            #expect(span >= 105 && span < 170, "paced messages reached the server over \(span) ms")
            #expect(burst.count == 3 && burst[0] == "5" && (Double(burst[2]) ?? 99) < 20, "unpaced: \(all[i + 1])")
            #expect(all[i + 2] == "0,0,0.0", "no messages")
            #expect(all[i + 3] == "1 2 3 4 5", "echoes in order: \(all[i + 3])")
        }
        for arrivals in echoes.withLock({ $0 }) {
            #expect(arrivals.count == 5)
            let gaps = zip(arrivals.dropFirst(), arrivals).map { $0 - $1 }
            #expect(gaps.allSatisfy { $0 > 15 && $0 < 60 }, "echoes 30 ms apart: \(gaps)")
        }
        let echo = try #require(result.stats("echo")?.stream)
        #expect(echo.messages == 20 && echo.messageGap.count == 16)
        #expect(abs(echo.messageGap.med - 30) < 8, "gap p50 \(echo.messageGap.med) ms")
        let count = try #require(result.stats("count")?.stream)
        #expect(count.messages == 16 && abs(count.messageGap.med - 20) < 8, "server streaming per message: \(count)")
        #expect(result.stats("sum")?.stream == nil, "one reply: nothing to time per message")
        #expect(["sum", "burst", "none", "echo", "count"].allSatisfy { result.stats($0)?.failures == 0 })
        #expect((result.stats("sum")?.duration.med ?? 0) >= 115, "the call lasts while its messages are paced")
    }

    @Test func refusedStreamsAreSentAgain() throws {
        let h2 = try H2Fixture()
        let target = h2.address
        let result = try runLoad(Options(scenarios: ["s": .constantVUs(2, iterations: 10)], workers: 1)) { vu in
            _ = try await vu.grpc.unary(target, "/refuse", bytes: [], name: "refuse")
        }
        // The server refused its first three streams (RST_STREAM REFUSED_STREAM): sent again, no failures.
        #expect(result.stats("refuse")?.count == 10)
        #expect(result.stats("refuse")?.failures == 0)
        #expect(result.http2.refusedStreamsRetried == 3)
    }

    @Test func streamsBeyondAGoAwayAreSentAgainOnANewConnection() throws {
        let h2 = try H2Fixture()
        let target = h2.address
        let result = try runLoad(Options(scenarios: ["s": .constantVUs(8, iterations: 200)], workers: 1)) { vu in
            // Every 25th call makes the server send GOAWAY; the other VUs' streams opened after
            // it on that connection are refused by it and must be retried elsewhere.
            _ = try await vu.grpc.unary(target, vu.id == 1 && vu.iteration % 5 == 2 ? "/goaway" : "/grpc/ok", bytes: [], name: "call")
        }
        #expect(result.stats("call")?.count == 200)
        #expect(result.stats("call")?.failures == 0, "\(result.errors)")
        #expect(result.http2.goaways >= 4)
    }

    @Test func aConnectionLostMidStreamFailsItsStreamsAndTheVUsCarryOn() throws {
        let h2 = try H2Fixture()
        let target = h2.address
        let after = Mutex<[Bool]>([])
        let result = try runLoad(Options(scenarios: ["s": .constantVUs(1, iterations: 3)])) { vu in
            let lost = try await vu.grpc.unary(target, "/drop", bytes: [], name: "drop")
            let next = try await vu.grpc.unary(target, "/grpc/ok", bytes: [], name: "after")
            after.withLock { $0.append(!lost.ok && lost.code == .unavailable && next.ok) }
        }
        #expect(after.withLock { $0 } == [true, true, true])
        #expect(result.stats("drop")?.failures == 3)
        #expect(!result.errors.isEmpty)
        #expect(result.errors.allSatisfy { $0.errorClass == "connection_closed" || $0.errorClass == "connection_reset" })
        #expect(result.stats("after")?.failures == 0)
    }
}
