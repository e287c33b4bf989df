import Testing
@testable import SwiftLoad

/// The event-stream interpretation of the HTML standard, fed whole and one byte at a time: line
/// endings, comments, multi-line data, id and retry, the byte order mark, and what is not dispatched.
struct SSEParserTests {
    /// Every split of the input: whole, byte by byte, and at each point in two.
    static func parseAllWays(_ text: String) -> [[SSEEvent]] {
        let bytes = Array(text.utf8)
        var ways: [[SSEEvent]] = []
        var whole = SSEParser()
        ways.append(whole.feed(bytes))
        var single = SSEParser()
        ways.append(bytes.flatMap { single.feed([$0]) })
        for cut in 0...bytes.count {
            var p = SSEParser()
            ways.append(p.feed(bytes[..<cut]) + p.feed(bytes[cut...]))
        }
        return ways
    }

    @Test func openAIStyleChunksAndTheDoneMarker() {
        let text = "data: {\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}\n\ndata: {\"choices\":[]}\n\ndata: [DONE]\n\n"
        for events in Self.parseAllWays(text) {
            #expect(events.map(\.data) == [#"{"choices":[{"delta":{"content":"Hi"}}]}"#, #"{"choices":[]}"#, "[DONE]"])
            #expect(events.allSatisfy { $0.type == "message" })
        }
    }

    @Test func lineEndingsCommentsMultiLineDataAndFields() {
        // CRLF, CR and LF mixed; a comment; two data lines; an event type; an id that persists.
        let text = "\u{FEFF}: keep-alive\r\nevent: add\r\ndata: first\rdata:second\nid: 7\n\ndata:  two spaces\nretry: 1500\n\n"
        for events in Self.parseAllWays(text) {
            #expect(events == [SSEEvent(type: "add", data: "first\nsecond", lastEventID: "7"),
                               SSEEvent(data: " two spaces", lastEventID: "7", retry: 1500)])
        }
    }

    @Test func whatIsNotDispatched() {
        var p = SSEParser()
        // No data: nothing dispatched, and the event type does not leak into the next event.
        #expect(p.feed(Array("event: ping\n\n: only a comment\n\n".utf8)).isEmpty)
        #expect(p.feed(Array("data: x\n\n".utf8)) == [SSEEvent(data: "x")])
        #expect(p.comments == 1)
        // A bad retry and an id holding NUL are ignored; an unknown field is ignored; a field
        // name alone has an empty value (so `data` alone is an empty data line).
        #expect(p.feed(Array("retry: 10s\nid: a\u{0}b\nfoo: bar\ndata\n\n".utf8)) == [SSEEvent(data: "")])
        // The last event without its empty line is dropped at the end of the stream.
        #expect(p.feed(Array("data: unfinished".utf8)).isEmpty)
    }

    @Test func aByteOrderMarkOnlyAtTheStart() {
        var p = SSEParser()
        #expect(p.feed(Array("\u{FEFF}data: a\n\n\u{FEFF}data: b\n\n".utf8)).map(\.data) == ["a"],
                "a BOM after the start is part of a field name, so that line is an unknown field")
        var q = SSEParser()
        // A first byte that only looks like the start of a BOM is kept.
        #expect(q.feed(Array("\u{FFFD}\ndata: é\n\n".utf8)).map(\.data) == ["é"])
    }
}
