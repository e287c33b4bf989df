import Foundation
import Testing
@testable import SwiftLoad
import TestSupport

/// Server-sent events on every transport, in the clear and over TLS, against hypercorn streaming
/// events 40 ms apart: each event is handed over as it arrives (its time matches the server's
/// pacing), parsed per the standard, recorded as one request; a redirect hop and an error page
/// yield no events.
@Suite(.serialized) struct EventStreamTests {
    static let server = try! SSEFixture()
    /// The same over TLS: HTTP/1.1 (built-in client) or h2 by ALPN (libcurl, `.http2`).
    static let tlsServer = try! SSEFixture(tls: true)

    @Test(arguments: [(HTTPTransport.automatic, false), (.libcurl, false), (.http2, false), (.automatic, true), (.libcurl, true), (.http2, true)])
    func eventsArriveAsTheServerSendsThem(transport: HTTPTransport, tls: Bool) throws {
        let base = tls ? Self.tlsServer.base : Self.server.base
        let seen = Collected<String>()
        let times = Collected<[Double]>()
        let live = Collected<Double>()
        let result = try runLoad(Options(scenarios: ["s": .sharedIterations(vus: 1, iterations: 1)], insecureSkipTLSVerify: tls,
                                         transport: transport)) { vu in
            let s = try await vu.http.sse(base + "/sse?n=5&gap=40", name: "stream") { e in
                // Called as each event arrives: the clock now is the event's arrival.
                live.add(Double(e.receivedAfter.components.attoseconds) / 1e15 + Double(e.receivedAfter.components.seconds) * 1000)
            }
            seen.add("\(s.response.status) \(s.response.httpVersion) \(s.events.count) \(s.comments)")
            for e in s.events { seen.add("\(e.type)|\(e.lastEventID)|\(e.data)") }
            times.add(s.events.map { Double($0.receivedAfter.components.seconds) * 1000 + Double($0.receivedAfter.components.attoseconds) / 1e15 })
            let redirected = try await vu.http.sse(base + "/to-sse?n=2&gap=10", name: "redirected")
            seen.add("redirected \(redirected.response.status) \(redirected.events.map(\.data))")
            let failed = try await vu.http.sse(base + "/fail", name: "fail")
            seen.add("fail \(failed.response.status) \(failed.events.count)")
        }
        let got = seen.all
        let version = transport == .http2 || (tls && transport == .libcurl) ? "2" : "1.1"
        #expect(got.first == "200 \(version) 6 1", "\(transport) tls \(tls): \(got)")
        #expect(Array(got.dropFirst().prefix(6)) == (0..<5).map { "tick|\($0)|\($0)\nline two" } + ["message|4|[DONE]"], "\(transport) tls \(tls): \(got)")
        #expect(got.contains("redirected 200 [\"0\\nline two\", \"1\\nline two\", \"[DONE]\"]"), "\(transport) tls \(tls): \(got)")
        #expect(got.contains("fail 500 0"), "\(transport) tls \(tls): \(got)")
        // The i-th tick left the server (i+1) × 40 ms after the stream opened; each arrives then,
        // not when the stream ends (200 ms).
        let t = try #require(times.all.first)
        #expect(t.count == 6)
        for i in 0..<5 {
            #expect(t[i] >= Double(i + 1) * 40 - 2 && t[i] < Double(i + 1) * 40 + 30, "\(transport) tls \(tls): event \(i) at \(t[i]) ms: \(t)")
        }
        #expect(live.all.count == 6, "onEvent saw every event of its stream as it came")
        // One request each, whole streams; the 500 is a failed request.
        #expect(result.stats("stream")?.count == 1 && result.stats("redirected")?.count == 1)
        #expect(result.stats("fail")?.failures == 1)
        let streamDuration = try #require(result.stats("stream")?.duration.max)
        #expect(streamDuration >= 195, "http_req_duration covers the whole stream: \(streamDuration) ms")
    }

    /// LitServe (a real OpenAI-compatible server) streams `chat.completion.chunk` events: the
    /// first word 60 ms after the request, then one every 25 ms. The events' arrival times say
    /// exactly that (LitServe's own overhead on top), over both HTTP/1.1 clients.
    @Test(arguments: [HTTPTransport.automatic, .libcurl])
    func anOpenAICompatibleServerStreamsTokensAtItsPace(transport: HTTPTransport) throws {
        let url = Self.litServe.base + "/v1/chat/completions"
        let body = #"{"model": "generator", "stream": true, "messages": [{"role": "user", "content": "hi"}]}"#
        let streams = Collected<EventStream>()
        _ = try runLoad(Options(scenarios: ["s": .sharedIterations(vus: 1, iterations: 1)], transport: transport)) { vu in
            _ = try await vu.http.sse(url, method: .post, body: .json(raw: body), name: "warm-up")
            streams.add(try await vu.http.sse(url, method: .post, body: .json(raw: body), name: "chat"))
        }
        let s = try #require(streams.all.first)
        #expect(s.response.status == 200, "\(transport): \(s.response.error?.message ?? "")")
        #expect(s.events.last?.data == "[DONE]", "\(transport)")
        // The words, from each chunk's delta.
        let contents: [(text: String, at: Double)] = s.events.compactMap { e in
            guard let json = try? JSONSerialization.jsonObject(with: Data(e.data.utf8)) as? [String: Any],
                  let delta = (json["choices"] as? [[String: Any]])?.first?["delta"] as? [String: Any],
                  let text = delta["content"] as? String, !text.isEmpty else { return nil }
            return (text, Double(e.receivedAfter.components.seconds) * 1000 + Double(e.receivedAfter.components.attoseconds) / 1e15)
        }
        #expect(contents.map(\.text).joined() == "the quick brown fox jumps over the lazy dog ", "\(transport): \(contents.map(\.text))")
        let first = try #require(contents.first?.at)
        #expect(first >= 60 && first < 100, "\(transport): the first word after \(first) ms (the server waits 60)")
        let gaps = zip(contents.dropFirst(), contents).map { $0.at - $1.at }.sorted()
        #expect(gaps.count == 8)
        let median = gaps[gaps.count / 2]
        #expect(abs(median - 25) < 3, "\(transport): median gap \(median) ms (the server waits 25): \(gaps)")
        // The server paces its words against its own start, so one late word does not shift
        // the rest: the last arrives 8 gaps after the first, whatever the jitter in between.
        let span = contents.last!.at - first
        #expect(abs(span - 200) < 15, "\(transport): the last word \(span) ms after the first (8 × 25 ms): \(gaps)")
    }

    /// The OpenAI client against a vLLM-shaped reasoning stream (hypercorn, over HTTP/1.1, h2c and
    /// h2 by ALPN): reasoning for 3 chunks from 30 ms, then the answer from 90 ms, 20 ms apart,
    /// every chunk with its cumulative usage. TTFT is the first reasoning chunk, TTFOT the first
    /// answer chunk, chunks count the tokens their usage grew by, and a stream that carries an
    /// error object is a failed call with no timing.
    @Test(arguments: [(HTTPTransport.automatic, false), (.http2, false), (.http2, true), (.libcurl, true)])
    func aReasoningStreamSeparatesThinkingFromAnswering(transport: HTTPTransport, tls: Bool) throws {
        let base = (tls ? Self.tlsServer.base : Self.server.base) + "/v1"
        let answers = Collected<LLMResponse>()
        let result = try runLoad(Options(scenarios: ["s": .sharedIterations(vus: 1, iterations: 2)], insecureSkipTLSVerify: tls,
                                         transport: transport)) { vu in
            let llm = vu.openai(base)
            answers.add(try await llm.chat(model: "reasoner", prompt: "2+2?", name: "think"))
            answers.add(try await llm.chat(model: "reasoner", prompt: "2+2?", extra: ["metadata": ["fail": "1"]], name: "broken"))
            answers.add(try await llm.chat(model: "reasoner", prompt: "2+2?", extra: ["metadata": ["whole": "1"]], name: "whole"))
        }
        let a = try #require(answers.all.first)
        #expect(a.ok && a.reasoning == "Let me think" && a.text == "The answer is 4.", "\(transport) \(tls): \(a.error ?? "")")
        #expect(a.outputTokens == 11 && a.usage?.promptTokens == 7)
        let ttft = (a.timeToFirstToken?.seconds ?? 0) * 1000, ttfot = (a.timeToFirstOutputToken?.seconds ?? 0) * 1000
        #expect(ttft >= 30 && ttft < 70, "\(transport) \(tls): first reasoning token after \(ttft) ms (sent at 30)")
        #expect(ttfot - ttft >= 55 && ttfot - ttft < 70, "\(transport) \(tls): the answer 60 ms after the reasoning: \(ttfot - ttft) ms")
        let tpot = (a.timePerOutputToken?.seconds ?? 0) * 1000
        #expect(abs(tpot - 12) < 2, "\(transport) \(tls): (150 − 30) ms / 10 tokens = 12 ms, got \(tpot)")
        // A server that ignores "stream": the whole answer is read, with no token timing.
        let whole = try #require(answers.all.last)
        #expect(whole.ok && whole.text == "4." && whole.outputTokens == 2 && whole.timeToFirstToken == nil, "\(whole.error ?? "")")
        #expect(result.stats("whole")?.llm?.outputTokens == 4 && result.stats("whole")?.llm?.ttft.count == 0)
        let broken = try #require(answers.all.dropLast().last)
        #expect(!broken.ok && broken.error == "the engine died" && broken.response.status == 200)

        let think = try #require(result.stats("think")?.llm)
        // Per call: 20 ms four times (one token each) and 20/3 ms six times (two chunks of three).
        #expect(think.itl.count == 20 && think.outputTokens == 22 && think.inputTokens == 14)
        // 12 of the 20 samples are 20/3 ms; timed per chunk the median would be 20. A late chunk on a
        // shared machine moves its three samples (a CI run saw 9.1 ms), so the bound leaves room for two.
        #expect(think.itl.med > 4 && think.itl.med < 12, "\(transport) \(tls): itl p50 \(think.itl.med) ms, not per token")
        #expect(think.ttfot.count == 2 && think.ttfot.med > think.ttft.med + 50)
        let b = try #require(result.stats("broken")?.llm)
        #expect(b.calls == 2 && b.goodCalls == 0 && b.ttft.count == 0 && b.outputTokens == 0)
    }

    static var litServe: LitServeFixture { LitServeFixture.shared }
}
