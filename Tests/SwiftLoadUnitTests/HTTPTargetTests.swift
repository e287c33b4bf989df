import Testing
@testable import SwiftLoad

@Suite struct HTTPTargetTests {
    @Test func splitsURLs() throws {
        let t = try #require(HTTPTarget("http://127.0.0.1:8080/v2/models/iris/infer?x=1#frag"))
        #expect(t.host == "127.0.0.1")
        #expect(t.port == 8080)
        #expect(t.requestTarget == "/v2/models/iris/infer?x=1")
        #expect(t.hostHeader == "127.0.0.1:8080")
        #expect(t.endpoint == "127.0.0.1:8080")
    }

    @Test func defaultsAndIPv6() throws {
        #expect(HTTPTarget("http://example.com")?.requestTarget == "/")
        #expect(HTTPTarget("http://example.com?q=1")?.requestTarget == "/?q=1")
        #expect(HTTPTarget("HTTP://example.com")?.port == 80)
        #expect(HTTPTarget("https://example.com/")?.port == 443)
        #expect(HTTPTarget("https://example.com/")?.hostHeader == "example.com")
        let v6 = try #require(HTTPTarget("http://[::1]:9000/a"))
        #expect(v6.host == "::1")
        #expect(v6.hostHeader == "[::1]:9000")
        #expect(HTTPTarget("http://user:pw@host:81/")?.host == "host")
        #expect(HTTPTarget("http://user:pw@host:81/")?.userinfo == "user:pw")
        #expect(HTTPTarget("http://a@b:c%40d@host/x@y")?.userinfo == "a@b:c%40d")
        #expect(HTTPTarget("http://host/x@y")?.userinfo == nil)
    }

    /// A URL's `user:password@` becomes Basic authorization, and is masked or left out wherever
    /// swiftload writes a URL.
    @Test func credentialsInTheURL() {
        #expect(URLCredentials.basicAuthorization("u:p") == "Basic dTpw")
        #expect(URLCredentials.basicAuthorization("u%40x:p%3Aq") == "Basic dUB4OnA6cQ==")   // u@x:p:q
        #expect(URLCredentials.basicAuthorization("token") == "Basic dG9rZW46")             // token:
        #expect(URLCredentials.removed(from: "https://u:p@h:1/v1?a=b@c") == "https://h:1/v1?a=b@c")
        #expect(URLCredentials.removed(from: "http://h/a@b") == "http://h/a@b")
        #expect(URLCredentials.masked("http://u:p@h/a") == "http://****:****@h/a")
        #expect(URLCredentials.masked("http://u@h") == "http://****@h")
        #expect(URLCredentials.masked("http://h/a@b") == "http://h/a@b")
        #expect(URLCredentials.removed(from: "https://u:p@h:1#x@y") == "https://h:1#x@y")
        // The origin compared per request keeps the URL's spelling; only the target shown drops it.
        #expect(RequestPipeline.origin(of: "http://u:p@h:8/a?b") == "http://u:p@h:8")
        #expect(RequestPipeline.origin(of: "http://h?x") == "http://h" && RequestPipeline.origin(of: "http://h#f") == "http://h")
        #expect(RequestPipeline.origin(of: "no-scheme/a") == "no-scheme/a")
        #expect(Request(url: "http://u:p@h/items?token=x@y").metricName == "http://****:****@h/items")
        #expect(Request(url: "http://h/users/a@b.c?x").metricName == "http://h/users/a@b.c")
        #expect(HeaderPolicy.fields([:], bodyCount: 0, contentType: nil, cookie: nil, authorization: "Basic dTpw",
                                    userAgent: "x").map { $0.fields.map(\.name) } == .success(["User-Agent", "Accept", "Authorization"]))
        #expect(HeaderPolicy.fields(["authorization": "Bearer t"], bodyCount: 0, contentType: nil, cookie: nil,
                                    authorization: "Basic dTpw", userAgent: "x").map { $0.fields.map(\.value) }
                == .success(["Bearer t", "x", "*/*"]))
    }

    @Test(arguments: ["", "127.0.0.1:8080/", "ftp://x/", "http://", "http://:80/", "http://h:0/", "http://h:70000/",
                      "http://h:abc/", "http://[::1/"])
    func rejects(url: String) {
        #expect(HTTPTarget(url) == nil)
    }

    /// The shortcut for a URL on the server of the previous one gives what a full parse gives,
    /// and declines when scheme or authority differ in any byte.
    @Test(arguments: [
        ("http://127.0.0.1:8080/item/1", "http://127.0.0.1:8080/item/2?x=1#f", true),
        ("http://127.0.0.1:8080/item/1", "http://127.0.0.1:8080", true),
        ("http://127.0.0.1:8080/item/1", "http://127.0.0.1:8080?q=1", true),
        ("http://127.0.0.1:8080/item/1", "http://127.0.0.1:8080#frag", true),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080/a/b", true),
        ("http://h?q=1", "http://h/x", true),
        ("https://user:pw@[::1]:9000/a", "https://user:pw@[::1]:9000/b?c", true),
        ("http://h:80/a", "http://h:8080/a", false),
        ("http://h/a", "http://hx/a", false),
        ("http://h/a", "https://h/a", false),
        ("HTTP://h/a", "http://h/a", false),
        ("http://h/a", "http://h", true),
        ("http://h/a", "http:/", false),
        ("http://h/a", "", false),
    ])
    func sameOriginMatchesAFullParse(previous: String, url: String, shortcut: Bool) throws {
        let prior = try #require(HTTPTarget(previous))
        let fast = HTTPTarget.sameOrigin(url, as: prior, parsedFrom: previous)
        #expect((fast != nil) == shortcut)
        if let fast { #expect(fast == HTTPTarget(url)) }
    }

    @Test func requestNamesDropTheQuery() {
        #expect(Request(url: "http://h/items?id=1").metricName == "http://h/items")
        #expect(Request(url: "http://h/items#x").metricName == "http://h/items")
        #expect(Request(url: "http://h/items", name: "items").metricName == "items")
        #expect(Request(url: "http://h/é/ü?x").metricName == "http://h/é/ü")
        #expect(Request(url: "").metricName == "")
        #expect(Request(url: "http://h/a?b=1", query: [("c", "d e&f")]).fullURL == "http://h/a?b=1&c=d%20e%26f")
    }
}
