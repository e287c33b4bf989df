import Testing
@testable import SwiftLoad

@Suite struct HTTP1ResponseParserTests {
    /// Feeds `raw` split at `cut` (and whole), expecting the same result either way.
    private func parse(_ raw: String, head: Bool = false, keep: Int = 1 << 20, cut: Int? = nil,
                       close: Bool = false) throws -> HTTP1ResponseParser {
        var p = HTTP1ResponseParser(headRequest: head, keepLimit: keep)
        let bytes = Array(raw.utf8)
        let pieces = cut.map { [Array(bytes[..<min($0, bytes.count)]), Array(bytes[min($0, bytes.count)...])] } ?? [bytes]
        for piece in pieces where !piece.isEmpty {
            _ = try piece.withUnsafeBytes { try p.consume($0) }
        }
        if close { _ = p.finishOnClose() }
        return p
    }

    @Test func contentLengthBodyAtEverySplitPoint() throws {
        let raw = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: b\r\n\r\nhello"
        for cut in 0...raw.utf8.count {
            let p = try parse(raw, cut: cut)
            #expect(p.isComplete, "cut \(cut)")
            #expect(p.status == 200)
            #expect(p.body == Array("hello".utf8))
            #expect(p.keepAlive)
            #expect(HTTPHeaders.parse(raw: p.headerBytes)["x-a"] == "b")
        }
    }

    @Test func framingFieldNamesMatchInAnyCaseAndOnlyExactly() throws {
        // The names are compared eight bytes at a time; every byte of them must still count.
        let p = try parse("HTTP/1.1 200 OK\r\nCONTENT-length: 2\r\ncOnNeCtIoN: Close\r\n\r\nok")
        #expect(p.isComplete && p.body == Array("ok".utf8) && !p.keepAlive)
        let c = try parse("HTTP/1.1 200 OK\r\nTRANSFER-encoding: CHUNKED\r\n\r\n2\r\nok\r\n0\r\n\r\n")
        #expect(c.isComplete && c.body == Array("ok".utf8))
        for near in ["Content-Lengtx", "Dontent-Length", "Content_Length", "Content-Lenhth"] {
            // Not Content-Length: the body runs until the server closes.
            let n = try parse("HTTP/1.1 200 OK\r\n\(near): 2\r\n\r\nok")
            #expect(!n.isComplete && n.awaitingClose, "\(near)")
        }
        let k = try parse("HTTP/1.1 200 OK\r\nConnection: keep-alivf, clos\r\nContent-Length: 0\r\n\r\n")
        #expect(k.isComplete && k.keepAlive)
    }

    @Test func chunkedBodyAtEverySplitPoint() throws {
        let raw = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\n6;ext=1\r\npedia \r\nE\r\nin \r\n\r\nchunks.\r\n0\r\nTrailer: x\r\n\r\n"
        for cut in 0...raw.utf8.count {
            let p = try parse(raw, cut: cut)
            #expect(p.isComplete, "cut \(cut)")
            #expect(String(decoding: p.body, as: UTF8.self) == "Wikipedia in \r\n\r\nchunks.")
            #expect(p.bodySize == 24)
        }
    }

    @Test func reportsWhereTheResponseEnds() throws {
        var p = HTTP1ResponseParser(headRequest: false, keepLimit: 100)
        let raw = Array("HTTP/1.1 204 No Content\r\n\r\nEXTRA".utf8)
        let progress = try raw.withUnsafeBytes { try p.consume($0) }
        #expect(progress == .complete(consumed: raw.count - 5))
    }

    @Test func noBodyForHeadAnd204And304() throws {
        #expect(try parse("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n", head: true).isComplete)
        #expect(try parse("HTTP/1.1 204 No Content\r\n\r\n").isComplete)
        #expect(try parse("HTTP/1.1 304 Not Modified\r\nContent-Length: 7\r\n\r\n").isComplete)
    }

    @Test func skipsInterimResponses() throws {
        let p = try parse("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok")
        #expect(p.status == 201)
        #expect(p.isComplete)
        #expect(!String(decoding: p.headerBytes, as: UTF8.self).contains("100"))
    }

    @Test func bodyUntilCloseCompletesOnlyOnClose() throws {
        let open = try parse("HTTP/1.1 200 OK\r\n\r\npartial")
        #expect(!open.isComplete)
        #expect(open.awaitingClose)
        let closed = try parse("HTTP/1.1 200 OK\r\n\r\npartial", close: true)
        #expect(closed.isComplete)
        #expect(!closed.keepAlive)
        #expect(closed.body == Array("partial".utf8))
    }

    @Test func connectionReuseFollowsVersionAndHeader() throws {
        #expect(try !parse("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n").keepAlive)
        #expect(try !parse("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n").keepAlive)
        #expect(try parse("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n").keepAlive)
        #expect(try parse("HTTP/1.1 200 OK\r\nconnection: upgrade, CLOSE\r\nContent-Length: 0\r\n\r\n").keepAlive == false)
    }

    @Test func keepsOnlyUpToTheLimitButCountsEverything() throws {
        let p = try parse("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789", keep: 4)
        #expect(p.body == Array("0123".utf8))
        #expect(p.bodySize == 10)
        #expect(p.truncated)
        let none = try parse("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789", keep: 0)
        #expect(none.body.isEmpty)
        #expect(none.bodySize == 10)
    }

    @Test(arguments: [
        "HTTP/2 200\r\n\r\n", "HTTX/1.1 200 OK\r\n\r\n", "HTTP/1.1 2x0 OK\r\n\r\n", "HTTP/1.1 200OK\r\n\r\n",
        "HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabXX\r\n",
    ])
    func rejectsMalformedResponses(raw: String) {
        #expect(throws: HTTP1ResponseParser.Failure.self) { _ = try parse(raw) }
    }

    @Test func rejectsEndlessHeaders() {
        let raw = "HTTP/1.1 200 OK\r\n" + String(repeating: "X-Pad: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n", count: 2000)
        #expect(throws: HTTP1ResponseParser.Failure.headersTooLarge) { _ = try parse(raw) }
    }

    /// A header block of exactly `maxHeaderBytes` (through its empty line) is accepted and one
    /// byte more is not, however the reads cut it and after an interim response too.
    @Test(arguments: [nil, 30, 40_000, 65_530])
    func headerLimitIsExact(cut: Int?) throws {
        func block(_ size: Int) -> String {
            let head = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nX-Pad: ", end = "\r\n\r\n"
            return head + String(repeating: "a", count: size - head.utf8.count - end.utf8.count) + end
        }
        let limit = HTTP1ResponseParser.maxHeaderBytes
        #expect(block(limit).utf8.count == limit)
        #expect(try parse(block(limit), cut: cut).isComplete)
        #expect(throws: HTTP1ResponseParser.Failure.headersTooLarge) { _ = try parse(block(limit + 1), cut: cut) }
        let interim = "HTTP/1.1 100 Continue\r\n\r\n"
        let shifted = cut.map { $0 + interim.utf8.count }
        #expect(try parse(interim + block(limit), cut: shifted).status == 200)
        #expect(throws: HTTP1ResponseParser.Failure.headersTooLarge) { _ = try parse(interim + block(limit + 1), cut: shifted) }
    }
}
