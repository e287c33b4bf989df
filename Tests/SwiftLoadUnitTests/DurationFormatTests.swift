import Testing
@testable import SwiftLoad

@Suite struct DurationFormatTests {
    @Test(arguments: [
        ("30s", Duration.seconds(30)), ("1m30s", .seconds(90)), ("500ms", .milliseconds(500)),
        ("1.5s", .milliseconds(1500)), ("2h", .seconds(7200)), ("250us", .microseconds(250)),
        ("250µs", .microseconds(250)), ("1h1m1s", .seconds(3661)), (" 10s ", .seconds(10)),
    ])
    func parses(text: String, expected: Duration) throws {
        #expect(try DurationFormat.parse(text) == expected)
    }

    @Test(arguments: ["5parsecs", "", "10", "s", "1.2.3s", "-5s", "1m30", "ms5", "1e3s"])
    func rejects(text: String) {
        #expect(throws: DurationFormat.ParseError.self) { try DurationFormat.parse(text) }
    }

    @Test func errorSaysWhatIsExpected() {
        do {
            _ = try DurationFormat.parse("5parsecs")
        } catch {
            #expect(error.description == "invalid duration '5parsecs': expected a number followed by a unit (us, ms, s, m, h), e.g. 30s, 1m30s, 500ms")
        }
    }

    @Test(arguments: [
        (Duration.seconds(30), "30s"), (.seconds(90), "1m30s"), (.milliseconds(250), "250ms"),
        (.seconds(3900), "1h5m"), (.zero, "0s"), (.microseconds(5), "5us"),
    ])
    func prints(d: Duration, text: String) {
        #expect(DurationFormat.string(d) == text)
    }
}
