import Foundation
import Testing
@testable import SwiftLoad
import TestSupport

/// Transport conformance against a real HTTP test service: httpbin (PyPI) on gunicorn and
/// hypercorn (`HTTPBinServer`). Each test runs one tiny scenario (one VU, one or two iterations)
/// on every lane — a transport against a server it speaks — and expects the same status, decoded
/// body and error class from each; only the HTTP version differs:
///
/// | lane              | transport                                | server                  | version |
/// |-------------------|------------------------------------------|-------------------------|---------|
/// | automatic http    | `.automatic`: the built-in HTTP/1.1      | gunicorn `http://`      | 1.1     |
/// | automatic https   | `.automatic`: the built-in HTTP/1.1, TLS | gunicorn `https://`     | 1.1     |
/// | libcurl http      | `.libcurl`                               | gunicorn `http://`      | 1.1     |
/// | libcurl https     | `.libcurl` (ALPN; gunicorn has no h2)    | gunicorn `https://`     | 1.1     |
/// | http2 h2c         | `.http2`: nghttp2, prior knowledge       | hypercorn `http://`     | 2       |
/// | http2 h2 TLS      | `.http2`: nghttp2, ALPN `h2`             | hypercorn `https://`    | 2       |
///
/// httpbin echoes the request's URL and Host, so bodies are compared with the lane's own origin
/// written `{base}` and its host and port `{authority}`. The one documented difference:
/// `.http2` stays on HTTP/2 across an http→https redirect, so it cannot follow one to an
/// HTTP/1.1-only TLS server (gunicorn), which the built-in client and libcurl follow.
@Suite(.serialized) struct ConformanceTests {
    /// The four servers, started once for the suite (they exit with the test process); a set-up
    /// failure fails each test with its cause instead of crashing the run.
    static let server: Result<HTTPBinServer, TestFailure> = {
        do { return .success(try HTTPBinServer()) }
        catch let failure as TestFailure { return .failure(failure) }
        catch { return .failure(TestFailure("httpbin did not start: \(error)")) }
    }()

    /// One transport against one server.
    struct Lane: Sendable, CustomStringConvertible {
        var name: String
        var transport: HTTPTransport
        /// The server's origin, `scheme://127.0.0.1:port`.
        var base: String
        /// The TLS server of the same kind, for http→https redirects: one the transport speaks.
        var tlsBase: String
        var httpVersion: String

        var description: String { name }
        /// `127.0.0.1:port`, as the Host header (HTTP/2: `:authority`) names it.
        var authority: String { base.split(separator: "/").last.map(String.init) ?? base }
        /// `url` with this lane's origin written `{base}`.
        func normalise(_ url: String) -> String {
            url.hasPrefix(base) ? "{base}" + url.dropFirst(base.count) : url
        }
    }

    static func lanes() throws -> [Lane] {
        let s = try server.get()
        return [
            Lane(name: "automatic http", transport: .automatic, base: s.httpBase, tlsBase: s.httpsBase, httpVersion: "1.1"),
            Lane(name: "automatic https", transport: .automatic, base: s.httpsBase, tlsBase: s.httpsBase, httpVersion: "1.1"),
            Lane(name: "libcurl http", transport: .libcurl, base: s.httpBase, tlsBase: s.httpsBase, httpVersion: "1.1"),
            Lane(name: "libcurl https", transport: .libcurl, base: s.httpsBase, tlsBase: s.httpsBase, httpVersion: "1.1"),
            Lane(name: "http2 h2c", transport: .http2, base: s.h2cBase, tlsBase: s.h2TLSBase, httpVersion: "2"),
            Lane(name: "http2 h2 TLS", transport: .http2, base: s.h2TLSBase, tlsBase: s.h2TLSBase, httpVersion: "2"),
        ]
    }

    /// What one request gave, in the terms every lane must agree on.
    struct Seen: Sendable, Equatable, CustomStringConvertible {
        var step: String
        var status: Int
        /// The error class's raw value, or "ok".
        var outcome: String
        /// The body (or what matters of the response) as the test summarises it.
        var body: String
        var version: String

        var description: String { "\(step): \(status) \(outcome) HTTP/\(version) \(body)" }
    }

    static func seen(_ step: String, _ r: Response, _ body: String) -> Seen {
        Seen(step: step, status: r.status, outcome: r.error?.errorClass.rawValue ?? "ok", body: body, version: r.httpVersion)
    }

    /// The JSON fields httpbin answers with that the tests look at.
    struct Echo: Decodable {
        var url: String?
        var method: String?
        var gzipped: Bool?
        var deflated: Bool?
        var headers: [String: String]?
        var cookies: [String: String]?
        var authenticated: Bool?
        var user: String?
        var id: Int?
    }

    static func echo(_ r: Response) -> Echo? { try? r.json(Echo.self) }

    /// `url={base}/get` for an echo of the lane's own /get, or what came instead.
    static func echoedURL(_ r: Response, _ lane: Lane) -> String {
        guard let url = echo(r)?.url else { return "not JSON: \(r.text.prefix(80))" }
        return "url=" + lane.normalise(url)
    }

    /// Runs `script` on every lane: one VU, `iterations` iterations, TLS unverified (the
    /// certificate is self-signed), requests failing after 15 s instead of hanging.
    static func observe(iterations: Int = 1, maxRedirects: Int = 10, cookies: Bool = false,
                        userAgent: String = "swiftload/\(SwiftLoadVersion.current)",
                        _ script: nonisolated(nonsending) @escaping @Sendable (VU, Lane, Collected<Seen>) async throws -> Void)
        throws -> [(lane: Lane, seen: [Seen], result: RunResult)] {
        var runs: [(lane: Lane, seen: [Seen], result: RunResult)] = []
        for lane in try lanes() {
            let seen = Collected<Seen>()
            let result = try runLoad(Options(scenarios: ["s": .sharedIterations(vus: 1, iterations: iterations)],
                                             requestTimeout: .seconds(15), insecureSkipTLSVerify: true,
                                             maxRedirects: maxRedirects, userAgent: userAgent, workers: 1,
                                             transport: lane.transport, cookies: cookies)) { vu in
                try await script(vu, lane, seen)
            }
            #expect(result.scenario("s")?.failedIterations == 0, "\(lane): \(result.errors.filter { $0.kind == "script" })")
            runs.append((lane, seen.all, result))
        }
        return runs
    }

    /// Every lane saw exactly what `expected` says for it; one message names each lane that did
    /// not. `expected` differs between lanes only in the HTTP version (and where a test documents
    /// a difference), so passing means the transports agree.
    static func expectEveryLane(_ runs: [(lane: Lane, seen: [Seen], result: RunResult)],
                                sourceLocation: SourceLocation = #_sourceLocation, _ expected: (Lane) -> [Seen]) {
        var wrong: [String] = []
        for run in runs where run.seen != expected(run.lane) {
            wrong.append("\(run.lane):\n  got      \(run.seen)\n  expected \(expected(run.lane))")
        }
        let message = wrong.joined(separator: "\n")
        #expect(wrong.isEmpty, "\(message)", sourceLocation: sourceLocation)
    }

    // MARK: redirects

    @Test func redirectChainsAreFollowedToTheEndAsOneRequest() throws {
        let paths = ["/redirect/3", "/relative-redirect/3", "/absolute-redirect/3", "/redirect/10"]
        let runs = try Self.observe { vu, lane, seen in
            for path in paths {
                let r = try await vu.http.get(lane.base + path, name: path)
                seen.add(Self.seen(path, r, Self.echoedURL(r, lane)))
            }
        }
        // Absolute locations name the server's own scheme (hypercorn over TLS says https://), so
        // every chain ends on the lane's own /get.
        Self.expectEveryLane(runs) { lane in
            paths.map { Seen(step: $0, status: 200, outcome: "ok", body: "url={base}/get", version: lane.httpVersion) }
        }
        for (lane, _, result) in runs {
            #expect(result.requests.count == paths.count && result.byName.allSatisfy { $0.count == 1 },
                    "\(lane): \(result.byName.map { "\($0.name) \($0.count)" })")
        }
    }

    @Test func aChainOverTheLimitFailsAndNoLimitHandsBackTheRedirect() throws {
        let runs = try Self.observe { vu, lane, seen in
            for path in ["/redirect/11", "/redirect/20"] {
                let r = try await vu.http.get(lane.base + path, name: path)
                seen.add(Self.seen(path, r, r.error?.message ?? "no error"))
            }
        }
        // The eleventh redirect is not followed: the chain fails with the 302 it ended on.
        Self.expectEveryLane(runs) { lane in
            ["/redirect/11", "/redirect/20"].map {
                Seen(step: $0, status: 302, outcome: "protocol", body: "more than 10 redirects", version: lane.httpVersion)
            }
        }
        for (lane, _, result) in runs {
            #expect(result.errorCount(.protocolError) == 2, "\(lane): \(result.errors)")
        }

        let unfollowed = try Self.observe(maxRedirects: 0) { vu, lane, seen in
            let r = try await vu.http.get(lane.base + "/redirect/3", name: "redirect")
            seen.add(Self.seen("redirect", r, "location=\(r.headers["Location"] ?? "none") bytes=\(r.body.count)"))
        }
        // werkzeug's "Redirecting..." page, the same 227 bytes from both servers.
        Self.expectEveryLane(unfollowed) { lane in
            [Seen(step: "redirect", status: 302, outcome: "ok", body: "location=/relative-redirect/2 bytes=227", version: lane.httpVersion)]
        }
    }

    @Test func aRedirectFromHTTPToHTTPSIsFollowedOnEveryTransport() throws {
        let runs = try Self.observe { vu, lane, seen in
            let r = try await vu.http.get(lane.base + "/redirect-to", query: ["url": lane.tlsBase + "/get", "status_code": "302"],
                                          name: "redirect-to")
            let url = Self.echo(r)?.url
            seen.add(Self.seen("redirect-to", r, url == lane.tlsBase + "/get" ? "the TLS server's /get" : "\(url ?? r.text)"))
        }
        // http lanes cross to TLS (the built-in client and libcurl to gunicorn's HTTPS, h2c to
        // hypercorn's h2); https lanes stay on their server.
        Self.expectEveryLane(runs) { lane in
            [Seen(step: "redirect-to", status: 200, outcome: "ok", body: "the TLS server's /get", version: lane.httpVersion)]
        }
        for (lane, _, result) in runs {
            #expect(result.requests.count == 1 && result.requests.failures == 0, "\(lane): \(result.errors)")
        }
    }

    /// The documented difference: `.http2` keeps every hop on HTTP/2, and gunicorn's TLS offers no
    /// `h2` by ALPN, so the chain fails there as a protocol error with no response; the
    /// HTTP/1.1 transports follow it to a 200.
    @Test func http2CannotFollowARedirectToAnHTTP1OnlyTLSServer() throws {
        let target = try Self.server.get().httpsBase + "/get"
        let runs = try Self.observe { vu, lane, seen in
            let r = try await vu.http.get(lane.base + "/redirect-to", query: ["url": target, "status_code": "302"], name: "redirect-to")
            let body: String
            if let error = r.error {
                body = error.message.contains("HTTP/2") ? "refused: not HTTP/2" : error.message
            } else {
                body = Self.echo(r)?.url == target ? "gunicorn's TLS /get" : r.text
            }
            seen.add(Self.seen("redirect-to", r, body))
        }
        Self.expectEveryLane(runs) { lane in
            lane.transport == .http2
                ? [Seen(step: "redirect-to", status: 0, outcome: "protocol", body: "refused: not HTTP/2", version: "")]
                : [Seen(step: "redirect-to", status: 200, outcome: "ok", body: "gunicorn's TLS /get", version: "1.1")]
        }
    }

    // MARK: bodies

    @Test func gzipAndDeflateAreDecodedAndBrotliIsHandedOverAsItCame() throws {
        let runs = try Self.observe { vu, lane, seen in
            let gzip = try await vu.http.get(lane.base + "/gzip", name: "/gzip")
            let gzipped = Self.echo(gzip)
            seen.add(Self.seen("/gzip", gzip, "\(Self.coding(gzip)) gzipped=\(gzipped?.gzipped == true) method=\(gzipped?.method ?? "?")"))
            // httpbin's deflate is zlib-wrapped (RFC 9110), not raw deflate.
            let deflate = try await vu.http.get(lane.base + "/deflate", name: "/deflate")
            let deflated = Self.echo(deflate)
            seen.add(Self.seen("/deflate", deflate,
                               "\(Self.coding(deflate)) deflated=\(deflated?.deflated == true) method=\(deflated?.method ?? "?")"))
            let brotli = try await vu.http.get(lane.base + "/brotli", name: "/brotli")
            seen.add(Self.seen("/brotli", brotli, "\(Self.coding(brotli)) json=\(Self.echo(brotli) != nil)"))
        }
        // Content-Encoding stays in the headers; gzip and deflate bodies are decoded, br is not.
        Self.expectEveryLane(runs) { lane in
            [Seen(step: "/gzip", status: 200, outcome: "ok", body: "gzip gzipped=true method=GET", version: lane.httpVersion),
             Seen(step: "/deflate", status: 200, outcome: "ok", body: "deflate deflated=true method=GET", version: lane.httpVersion),
             Seen(step: "/brotli", status: 200, outcome: "ok", body: "br json=false", version: lane.httpVersion)]
        }
    }

    static func coding(_ r: Response) -> String { r.headers["Content-Encoding"] ?? "identity" }

    @Test func streamedBodiesArriveWhole() throws {
        let runs = try Self.observe { vu, lane, seen in
            // gunicorn sends chunked transfer coding, hypercorn DATA frames as the app yields.
            let stream = try await vu.http.get(lane.base + "/stream/5", name: "/stream/5")
            let lines = stream.text.split(separator: "\n").map { try? JSONDecoder().decode(Echo.self, from: Data($0.utf8)) }
            let ids = lines.map { line -> String in
                guard let id = line?.id else { return "?" }
                return String(id)
            }.joined(separator: ",")
            let urls = Set(lines.map { line -> String in
                guard let url = line?.url else { return "?" }
                return lane.normalise(url)
            }).sorted().joined(separator: ",")
            seen.add(Self.seen("/stream/5", stream, "lines=\(lines.count) ids=\(ids) url=\(urls)"))
            // Ten bytes, one every 50 ms.
            let drip = try await vu.http.get(lane.base + "/drip?duration=0.5&numbytes=10&delay=0", name: "/drip")
            seen.add(Self.seen("/drip", drip, "\(drip.text) waited=\(drip.timings.duration >= .milliseconds(400))"))
        }
        Self.expectEveryLane(runs) { lane in
            [Seen(step: "/stream/5", status: 200, outcome: "ok", body: "lines=5 ids=0,1,2,3,4 url={base}/stream/5", version: lane.httpVersion),
             Seen(step: "/drip", status: 200, outcome: "ok", body: "********** waited=true", version: lane.httpVersion)]
        }
    }

    @Test func largeAndChunkedBodiesArriveByteForByte() throws {
        // The same seed gives the same bytes from /bytes and /stream-bytes; httpbin caps both at
        // 100 KiB (200,000 asked for, 102,400 sent, in 4 KiB chunks). FNV-1a 64 of those bytes,
        // computed from curl's copy.
        let digest = "f11130934b787f0b"
        let runs = try Self.observe { vu, lane, seen in
            let fixed = try await vu.http.get(lane.base + "/bytes/102400?seed=7", name: "bytes")
            seen.add(Self.seen("bytes", fixed, Self.describe(fixed)))
            let chunked = try await vu.http.get(lane.base + "/stream-bytes/200000?chunk_size=4096&seed=7", name: "stream-bytes")
            seen.add(Self.seen("stream-bytes", chunked, Self.describe(chunked)))
            let cut = try await vu.http.get(lane.base + "/stream-bytes/200000?chunk_size=4096&seed=7", name: "cut", keepBody: .upTo(1000))
            seen.add(Self.seen("cut", cut, "kept \(cut.body.count) of \(cut.bodySize) truncated=\(cut.bodyTruncated)"))
        }
        Self.expectEveryLane(runs) { lane in
            [Seen(step: "bytes", status: 200, outcome: "ok", body: "102400 of 102400 fnv1a=\(digest) truncated=false", version: lane.httpVersion),
             Seen(step: "stream-bytes", status: 200, outcome: "ok", body: "102400 of 102400 fnv1a=\(digest) truncated=false", version: lane.httpVersion),
             Seen(step: "cut", status: 200, outcome: "ok", body: "kept 1000 of 102400 truncated=true", version: lane.httpVersion)]
        }
    }

    static func describe(_ r: Response) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in r.body { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return "\(r.body.count) of \(r.bodySize) fnv1a=\(String(hash, radix: 16)) truncated=\(r.bodyTruncated)"
    }

    // MARK: statuses, methods, headers

    @Test func statusesErrorClassesAndBodilessResponsesOnAReusedConnection() throws {
        // Twice, so each bodiless answer (404 and 500 with Content-Length 0, a HEAD with
        // Content-Length 185, a 204 with none) is followed by another request on its connection.
        let runs = try Self.observe(iterations: 2) { vu, lane, seen in
            let notFound = try await vu.http.get(lane.base + "/status/404", name: "404")
            seen.add(Self.seen("404", notFound, "bytes=\(notFound.bodySize)"))
            let head = try await vu.http.head(lane.base + "/get", name: "HEAD")
            let length = Int(head.headers["Content-Length"] ?? "") ?? 0
            seen.add(Self.seen("HEAD", head, "bytes=\(head.bodySize) announced=\(length > 100)"))
            let noContent = try await vu.http.get(lane.base + "/status/204", name: "204")
            seen.add(Self.seen("204", noContent, "bytes=\(noContent.bodySize)"))
            let serverError = try await vu.http.get(lane.base + "/status/500", name: "500")
            seen.add(Self.seen("500", serverError, "bytes=\(serverError.bodySize)"))
            let get = try await vu.http.get(lane.base + "/get", name: "GET")
            seen.add(Self.seen("GET", get, Self.echoedURL(get, lane)))
        }
        Self.expectEveryLane(runs) { lane in
            let once = [Seen(step: "404", status: 404, outcome: "http_status", body: "bytes=0", version: lane.httpVersion),
                        Seen(step: "HEAD", status: 200, outcome: "ok", body: "bytes=0 announced=true", version: lane.httpVersion),
                        Seen(step: "204", status: 204, outcome: "ok", body: "bytes=0", version: lane.httpVersion),
                        Seen(step: "500", status: 500, outcome: "http_status", body: "bytes=0", version: lane.httpVersion),
                        Seen(step: "GET", status: 200, outcome: "ok", body: "url={base}/get", version: lane.httpVersion)]
            return once + once
        }
        for (lane, _, result) in runs {
            #expect(result.errorCount(.httpStatus) == 4, "\(lane): \(result.errors)")
            #expect(result.requests.statuses == ["404": 2, "200": 4, "204": 2, "500": 2], "\(lane): \(result.requests.statuses)")
        }
    }

    @Test func requestHeadersArriveAsSent() throws {
        let runs = try Self.observe(userAgent: "conformance/1") { vu, lane, seen in
            let r = try await vu.http.get(lane.base + "/headers", headers: ["X-Conformance": "yes"], name: "/headers")
            let echoed = (Self.echo(r)?.headers ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            seen.add(Self.seen("/headers", r, echoed.joined(separator: " ").replacingOccurrences(of: lane.authority, with: "{authority}")))
        }
        // Every header httpbin saw: the defaults (Accept, the test's User-Agent), the script's
        // own, the authority as Host, and nothing a transport added on its own.
        Self.expectEveryLane(runs) { lane in
            [Seen(step: "/headers", status: 200, outcome: "ok",
                  body: "Accept=*/* Host={authority} User-Agent=conformance/1 X-Conformance=yes", version: lane.httpVersion)]
        }
    }

    @Test func cookiesSetOnARedirectAreKeptAndSentBack() throws {
        let runs = try Self.observe(cookies: true) { vu, lane, seen in
            // 302 with Set-Cookie a=b to /cookies, which echoes the Cookie header it got.
            let set = try await vu.http.get(lane.base + "/cookies/set?a=b", name: "set")
            seen.add(Self.seen("set", set, Self.cookies(set)))
            let get = try await vu.http.get(lane.base + "/cookies", name: "get")
            seen.add(Self.seen("get", get, Self.cookies(get)))
            let jar = vu.cookies.cookies(for: "127.0.0.1").sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            seen.add(Seen(step: "jar", status: 0, outcome: "ok", body: jar.joined(separator: "; "), version: ""))
            // 302 with an expired a= to /cookies.
            let delete = try await vu.http.get(lane.base + "/cookies/delete?a", name: "delete")
            seen.add(Self.seen("delete", delete, Self.cookies(delete)))
        }
        Self.expectEveryLane(runs) { lane in
            [Seen(step: "set", status: 200, outcome: "ok", body: "cookies: a=b", version: lane.httpVersion),
             Seen(step: "get", status: 200, outcome: "ok", body: "cookies: a=b", version: lane.httpVersion),
             Seen(step: "jar", status: 0, outcome: "ok", body: "a=b", version: ""),
             Seen(step: "delete", status: 200, outcome: "ok", body: "cookies: ", version: lane.httpVersion)]
        }
    }

    static func cookies(_ r: Response) -> String {
        guard let cookies = echo(r)?.cookies else { return "not JSON: \(r.text.prefix(80))" }
        return "cookies: " + cookies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")
    }

    @Test func basicAuthIsAnsweredAlike() throws {
        func basic(_ credentials: String) -> HTTPHeaders { ["Authorization": "Basic " + Data(credentials.utf8).base64EncodedString()] }
        let (right, wrong) = (basic("u:p"), basic("u:x"))
        let runs = try Self.observe { vu, lane, seen in
            // The last two carry the credentials in the URL (`u:p@`, `u:x@`), and no name.
            let inURL = { (userinfo: String) in lane.base.replacingOccurrences(of: "://", with: "://\(userinfo)@") }
            for (step, base, headers) in [("none", lane.base, HTTPHeaders()), ("right", lane.base, right),
                                          ("wrong", lane.base, wrong), ("url right", inURL("u:p"), HTTPHeaders()),
                                          ("url wrong", inURL("u:x"), HTTPHeaders())] {
                let r = try await vu.http.get(base + "/basic-auth/u/p", headers: headers,
                                              name: step.hasPrefix("url") ? nil : step)
                let e = Self.echo(r)
                seen.add(Self.seen(step, r, r.status == 401
                    ? "challenge=\(r.headers["WWW-Authenticate"] ?? "none")"
                    : "authenticated=\(e?.authenticated == true) user=\(e?.user ?? "?")"))
            }
        }
        Self.expectEveryLane(runs) { lane in
            let challenge = "challenge=Basic realm=\"Fake Realm\""
            return [Seen(step: "none", status: 401, outcome: "http_status", body: challenge, version: lane.httpVersion),
                    Seen(step: "right", status: 200, outcome: "ok", body: "authenticated=true user=u", version: lane.httpVersion),
                    Seen(step: "wrong", status: 401, outcome: "http_status", body: challenge, version: lane.httpVersion),
                    Seen(step: "url right", status: 200, outcome: "ok", body: "authenticated=true user=u", version: lane.httpVersion),
                    Seen(step: "url wrong", status: 401, outcome: "http_status", body: challenge, version: lane.httpVersion)]
        }
        // The password is in no name and no target the report shows.
        for run in runs {
            let names = run.result.byName.map(\.name)
            #expect(names.contains("\(run.lane.base.replacingOccurrences(of: "://", with: "://****:****@"))/basic-auth/u/p"), "\(run.lane): \(names)")
            #expect(!names.contains { $0.contains("u:p@") || $0.contains("u:x@") }, "\(run.lane): \(names)")
            #expect(run.result.run.targets == [run.lane.base], "\(run.lane): \(run.result.run.targets)")
        }
    }
}
