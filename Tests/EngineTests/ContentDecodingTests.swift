import Foundation
import Testing
@testable import SwiftLoad
import TestSupport

/// Bodies are decoded per Content-Encoding once, above the transports: every transport hands the
/// script the same bytes.
@Suite(.serialized) struct ContentDecodingTests {
    @Test(arguments: transports)
    func gzipAndDeflateBodiesAreDecodedOnEveryTransport(transport: HTTPTransport) throws {
        let base = sharedFixture.base
        let bodies = Collected<(String, Int, String)>()
        let result = try runLoad(Options(scenarios: ["s": .sharedIterations(vus: 1, iterations: 1)], transport: transport)) { vu in
            for (name, path, letter) in [("gzip", "/gzip?n=5000", "g"), ("deflate", "/deflate?n=3000", "d"),
                                         ("raw-deflate", "/deflate?n=2000&raw=1", "d")] {
                let r = try await vu.http.get(base + path, name: name)
                let expected = String(repeating: letter, count: r.body.count)
                bodies.add((name, r.body.count, r.text == expected ? "same" : "different"))
            }
            let cut = try await vu.http.get(base + "/gzip?n=5000", name: "cut", keepBody: .upTo(100))
            bodies.add(("cut", cut.body.count, cut.bodyTruncated ? "truncated" : "whole"))
        }
        let got = bodies.all
        #expect(got.count == 4)
        #expect(got.contains { $0 == ("gzip", 5000, "same") }, "\(got)")
        #expect(got.contains { $0 == ("deflate", 3000, "same") }, "\(got)")
        #expect(got.contains { $0 == ("raw-deflate", 2000, "same") }, "\(got)")
        // A body over the retention limit is cut before decoding and handed over as it came.
        #expect(got.contains { $0.0 == "cut" && $0.1 <= 100 && $0.2 == "truncated" }, "\(got)")
        #expect(result.requests.failures == 0)
    }

    @Test(arguments: transports)
    func aBodyThatDoesNotDecodeIsAProtocolError(transport: HTTPTransport) throws {
        let url = sharedFixture.base + "/gzip-broken"
        let result = try runLoad(Options(scenarios: ["s": .sharedIterations(vus: 1, iterations: 3)], transport: transport)) { vu in
            _ = try await vu.http.get(url, name: "broken")
        }
        let s = try #require(result.stats("broken"))
        #expect(s.count == 3 && s.failures == 3)
        #expect(result.errorCount(.protocolError) == 3)
        #expect(result.errors.first?.sample.contains("does not decode") == true)
    }

    @Test func nginxGzipOverHTTP2IsDecodedToo() throws {
        let page = String(repeating: "hello gzip ", count: 200)
        let h2 = try NginxServer.withGzip()
        try page.write(toFile: h2.dir + "/www/page.txt", atomically: true, encoding: .utf8)
        let texts = Collected<String>()
        // The URL, not the server: a script outlives its run in this process, and a server it
        // captured would outlive the test.
        let url = "http://127.0.0.1:\(h2.h2cPort)/page.txt"
        _ = try runLoad(Options(scenarios: ["s": .sharedIterations(vus: 1, iterations: 1)], transport: .http2)) { vu in
            let r = try await vu.http.get(url, headers: ["Accept-Encoding": "gzip"])
            texts.add((r.headers["Content-Encoding"] ?? "identity") + ":" + r.text)
        }
        #expect(texts.all == ["gzip:" + page])
    }
}
