import Foundation
import Testing
@testable import SwiftLoad
import TestSupport

/// Host names are looked up off the worker's loop; VUs asking for the same name share one lookup
/// and its answer is kept for the run.
@Suite(.serialized) struct NameResolutionTests {
    @Test(arguments: [HTTPTransport.automatic, .http2])
    func namesResolveOffTheLoopForEveryVU(transport: HTTPTransport) throws {
        let nginx = try NginxServer()
        let port = transport == .http2 ? nginx.h2cPort : nginx.port
        let url = "http://localhost:\(port)/f64"
        let result = try runLoad(Options(scenarios: ["s": .sharedIterations(vus: 8, iterations: 80)],
                                         workers: 2, transport: transport)) { vu in
            let r = try await vu.http.get(url, name: "named")
            vu.check(r, "200") { $0.status == 200 && $0.body.count == 64 }
        }
        let s = try #require(result.stats("named"))
        #expect(s.count == 80 && s.failures == 0, "\(result.errors)")
        #expect(nginx.accessLog().count == 80)
        #expect(result.checks.first?.fails == 0)
    }

    @Test(arguments: [HTTPTransport.automatic, .http2])
    func aNameThatDoesNotResolveIsADNSError(transport: HTTPTransport) throws {
        let result = try runLoad(Options(scenarios: ["s": .sharedIterations(vus: 2, iterations: 4)],
                                         requestTimeout: .seconds(10), transport: transport)) { vu in
            _ = try await vu.http.get("http://no-such-host.invalid:8080/", name: "nowhere")
        }
        let s = try #require(result.stats("nowhere"))
        #expect(s.count == 4 && s.failures == 4)
        #expect(result.errorCount(.dns) == 4, "\(result.errors)")
    }
}
