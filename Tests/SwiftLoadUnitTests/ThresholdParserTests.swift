import Testing
@testable import SwiftLoad

@Suite struct ThresholdParserTests {
    @Test(arguments: [
        ("http_req_duration{name:home}:p(99)<200ms", "http_req_duration{name:home}", "p(99)", Threshold.Comparison.less, 200.0),
        ("http_req_duration: p(99.9) <= 1.5s", "http_req_duration", "p(99.9)", .lessOrEqual, 1500.0),
        ("http_req_duration:avg<250us", "http_req_duration", "avg", .less, 0.25),
        ("http_req_duration:med<2m", "http_req_duration", "med", .less, 120_000.0),
        ("http_req_duration:max<100", "http_req_duration", "max", .less, 100.0),
        ("http_req_duration:min>=0", "http_req_duration", "min", .greaterOrEqual, 0.0),
        ("http_req_duration:count>10", "http_req_duration", "count", .greater, 10.0),
        ("http_req_failed:rate<1%", "http_req_failed", "rate", .less, 0.01),
        ("http_req_failed{name:infer}:rate<0.05", "http_req_failed{name:infer}", "rate", .less, 0.05),
        ("checks:rate>0.99", "checks", "rate", .greater, 0.99),
        ("checks{check:status is 200}:rate==1", "checks{check:status is 200}", "rate", .equal, 1.0),
        ("http_reqs:count>=100", "http_reqs", "count", .greaterOrEqual, 100.0),
        ("http_reqs:rate>50", "http_reqs", "rate", .greater, 50.0),
        ("dropped_iterations:count==0", "dropped_iterations", "count", .equal, 0.0),
        ("iteration_duration{scenario:browse}:p(95)<1s", "iteration_duration{scenario:browse}", "p(95)", .less, 1000.0),
        ("http_req_duration{name:http://127.0.0.1:8080/x}:p(50)!=3", "http_req_duration{name:http://127.0.0.1:8080/x}", "p(50)", .notEqual, 3.0),
    ])
    func parsesValidThresholds(input: String, key: String, aggregation: String, comparison: Threshold.Comparison, bound: Double) throws {
        let t = try ThresholdParser.parse(input)
        #expect(t.metricKey == key)
        #expect(t.aggregation.description == aggregation)
        #expect(t.comparison == comparison)
        #expect(abs(t.bound - bound) < 1e-9)
    }

    @Test func scriptFormSplitsKeyAndCondition() throws {
        let t = try ThresholdParser.parse(metricKey: "http_req_duration{name:home}", condition: "p(99) < 200ms")
        #expect(t.metricKey == "http_req_duration{name:home}")
        #expect(t.source == "p(99) < 200ms")
        #expect(t.bound == 200)
    }

    @Test(arguments: [
        ("http_req_duration", "expected ':'", 18),
        ("latency:p(99)<1", "unknown metric \"latency\"", 1),
        ("http_req_duration:p(99<1", "expected ')'", 23),
        ("http_req_duration:p(101)<1", "percentile must be between 0 and 100", 21),
        ("http_req_duration:p99<1", "expected '('", 20),
        ("http_req_duration:avg 1", "expected a comparison", 23),
        ("http_req_duration:avg=<1", "unknown comparison \"=<\"", 22),
        ("http_req_duration:avg<", "expected a number", 23),
        ("http_req_duration:avg<2x0ms", "unknown unit \"x\"", 24),
        ("http_req_duration:avg<10parsecs", "unknown unit \"parsecs\"", 25),
        ("http_req_duration:p(99)<1ms extra", "unexpected \"extra\"", 29),
        ("http_req_duration:rate<1", "rate does not apply to http_req_duration", 19),
        ("http_req_failed:p(99)<1", "p(99) does not apply to http_req_failed", 17),
        ("http_req_failed:rate<1ms", "a rate takes a fraction or a percentage", 23),
        ("http_reqs:count<1%", "count takes a plain number", 18),
        ("http_req_duration{name home}:p(99)<1", "expected tag:value", 19),
        ("http_req_duration{check:x}:p(99)<1", "cannot be filtered by \"check\"", 19),
        ("iterations{name:x}:count<1", "cannot be filtered by \"name\"", 12),
        ("http_req_duration{name:}:p(99)<1", "empty value for tag \"name\"", 19),
        ("http_req_duration{name:x:p(99)<1", "expected ':'", 33),
        (":p(99)<1", "missing metric name", 1),
        ("http_req_duration:", "missing condition", 19),
        ("http_req_duration:bogus<1", "unknown aggregation \"bogus\"", 19),
    ])
    func rejectsMalformedThresholdsPointingAtTheColumn(input: String, reason: String, column: Int) {
        do {
            _ = try ThresholdParser.parse(input)
            Issue.record("\(input) parsed")
        } catch {
            #expect(error.reason.contains(reason), "\(input): \(error.reason)")
            #expect(error.column == column, "\(input): column \(error.column), reason \(error.reason)")
            #expect(error.description.hasPrefix("threshold \"\(input)\""))
        }
    }

    @Test func randomInputsNeverCrashTheParser() {
        // A short fuzz run: any string either parses or throws a syntax error with a column
        // inside (or one past) the input.
        var rng = SystemRandomNumberGenerator()
        let alphabet = Array("http_req_duration{}:,()<>=!. 0123456789msu%avgpcountrateheckname") + ["µ", "é", "\u{0}"]
        for _ in 0..<20_000 {
            let length = Int.random(in: 0...40, using: &rng)
            let s = String((0..<length).map { _ in alphabet.randomElement(using: &rng)! })
            do {
                _ = try ThresholdParser.parse(s)
            } catch {
                #expect(error.column >= 1 && error.column <= s.count + 1, "\(s.debugDescription): \(error.column)")
            }
        }
    }
}
