import Foundation
import Synchronization
import Testing
@testable import SwiftLoad
import TestSupport

/// One redirect policy for every transport: relative, absolute and cross-scheme locations,
/// `maxRedirects` everywhere, a chain recorded as one request.
@Suite(.serialized) struct RedirectTests {
    static let config = """
        location = /r/relative { return 302 f64; }
        location = /r/f64 { return 301 /f64; }
        location = /r/absolute { return 301 /f64; }
        location = /r/twice { return 302 /r/absolute; }
        location = /r/loop { return 302 /r/loop; }
        location = /r/see-other { return 303 /f64; }
        """

    @Test(arguments: [HTTPTransport.automatic, .libcurl, .http2])
    func redirectsAreFollowedTheSameWayOnEveryTransport(transport: HTTPTransport) throws {
        let nginx = try NginxServer(extraServerConfig: Self.config)
        let base = transport == .http2 ? "http://127.0.0.1:\(nginx.h2cPort)" : nginx.base
        let seen = Collected<String>()
        let result = try runLoad(Options(scenarios: ["s": .sharedIterations(vus: 1, iterations: 1)], maxRedirects: 3,
                                         transport: transport)) { vu in
            for path in ["/r/relative", "/r/absolute", "/r/twice", "/r/see-other"] {
                let r = try await vu.http.get(base + path, name: path)
                seen.add("\(path) \(r.status) \(r.body.count) \(r.error?.errorClass.rawValue ?? "ok")")
            }
            let post = try await vu.http.post(base + "/r/see-other", body: .string("x"), name: "post")
            seen.add("post \(post.status) \(post.body.count)")
            let loop = try await vu.http.get(base + "/r/loop", name: "loop")
            seen.add("loop \(loop.status) \(loop.error?.message ?? "no error")")
        }
        let got = seen.all
        #expect(got.count == 6)
        for path in ["/r/relative", "/r/absolute", "/r/twice", "/r/see-other"] {
            #expect(got.contains("\(path) 200 64 ok"), "\(transport): \(got)")
        }
        // 303 after a POST becomes a GET (nginx answers a POST to a static file with 405).
        #expect(got.contains("post 200 64"), "\(transport): \(got)")
        #expect(got.contains { $0.hasPrefix("loop ") && $0.contains("redirect") }, "\(transport): \(got)")
        // One recorded request per chain.
        #expect(result.requests.count == 6)
        #expect(result.stats("loop")?.failures == 1)
        #expect(result.errorCount(.protocolError) == 1, "\(result.errors)")
    }

    @Test(arguments: [HTTPTransport.automatic, .libcurl, .http2])
    func maxRedirectsZeroHandsBackTheRedirect(transport: HTTPTransport) throws {
        let nginx = try NginxServer(extraServerConfig: Self.config)
        let base = transport == .http2 ? "http://127.0.0.1:\(nginx.h2cPort)" : nginx.base
        let statuses = Collected<Int>()
        _ = try runLoad(Options(scenarios: ["s": .sharedIterations(vus: 1, iterations: 1)], maxRedirects: 0,
                                transport: transport)) { vu in
            statuses.add(try await vu.http.get(base + "/r/absolute").status)
        }
        #expect(statuses.all == [301])
    }

    @Test(arguments: [HTTPTransport.automatic, .libcurl])
    func aRedirectFromHTTPToHTTPSIsFollowedAsOneRequest(transport: HTTPTransport) throws {
        let tls = try NginxServer(tls: true)
        let httpsURL = try #require(tls.tlsBase) + "/f64"
        let plain = try NginxServer(extraServerConfig: "location = /up { return 302 \(httpsURL); }")
        let seen = Collected<String>()
        // The URL, not the server: a script outlives its run in this process, and a server it
        // captured would outlive the test.
        let upURL = plain.base + "/up"
        let result = try runLoad(Options(scenarios: ["s": .sharedIterations(vus: 1, iterations: 3)],
                                         insecureSkipTLSVerify: true, transport: transport)) { vu in
            let r = try await vu.http.get(upURL, name: "up")
            seen.add("\(r.status) \(r.body.count) \(r.httpVersion)")
        }
        let version = transport == .libcurl ? "2" : "1.1"
        #expect(seen.all == Array(repeating: "200 64 \(version)", count: 3), "\(seen.all)")
        let up = try #require(result.stats("up"))
        #expect(up.count == 3 && up.failures == 0)
        #expect(result.byName.count == 1)
        // The chain's bytes include the first, cleartext hop.
        #expect(up.bytesReceived > 3 * 64)
        #expect(plain.accessLog().count == 3)
    }
}
