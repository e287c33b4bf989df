import Testing
@testable import SwiftLoad

/// The request box `vu.http.get(…)` and friends refill between requests: refilling is as good as
/// building a new request, never changes a copy, and a kept box holds no body.
@Suite struct RequestReuseTests {
    @Test func refillingSetsEveryFieldAsANewRequestWould() {
        var r = Request(method: .get, url: "http://h/old", body: Body(bytes: [1, 2, 3], contentType: "x/y"),
                        name: "old", timeout: .seconds(9), keepBody: .all, expectedStatuses: 200...200,
                        tags: ["old": "1"])
        r.refill(method: .post, url: "http://h/new", query: [("q", "1")], headers: ["X-A": "b"], body: .empty,
                 name: nil, timeout: nil, keepBody: nil, tags: [:])
        let fresh = Request(method: .post, url: "http://h/new", query: [("q", "1")], headers: ["X-A": "b"])
        #expect(r.method == fresh.method)
        #expect(r.fullURL == fresh.fullURL)
        #expect(r.headers == fresh.headers)
        #expect(r.body == fresh.body)
        #expect(r.name == nil && r.timeout == nil && r.keepBody == nil)
        #expect(r.expectedStatuses == nil)
        #expect(r.tags.isEmpty)
        #expect(r.metricName == "http://h/new")
    }

    @Test func refillingNeverChangesACopy() {
        var r = Request(url: "http://h/a", tags: ["k": "1"])
        let copy = r
        r.refill(method: .put, url: "http://h/b", query: [], headers: [:], body: Body(bytes: [9], contentType: nil),
                 name: "b", timeout: nil, keepBody: nil, tags: [:])
        #expect(copy.url == "http://h/a" && copy.method == .get && copy.tags == ["k": "1"] && copy.body == .empty)
        #expect(r.url == "http://h/b" && r.method == .put && r.body.bytes == [9])
    }

    @Test func aKeptBoxHoldsNoBodyAndASharedOneIsNotKept() {
        var r = Request(method: .post, url: "http://h/", body: Body(bytes: Array(repeating: 7, count: 1 << 20), contentType: "a/b"))
        let kept = r.releaseBodyForReuse()
        #expect(kept)
        #expect(r.body == .empty)
        var shared = Request(method: .post, url: "http://h/", body: Body(bytes: [1], contentType: nil))
        let other = shared
        let sharedKept = shared.releaseBodyForReuse()
        #expect(!sharedKept)
        #expect(shared.body.bytes == [1] && other.body.bytes == [1])
    }
}
