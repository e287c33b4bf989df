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
        ("grpc_reqs{status:UNAVAILABLE}:count==0", "grpc_reqs{status:UNAVAILABLE}", "count", .equal, 0.0),
        ("grpc_reqs{status:14,name:infer}:rate<0.5", "grpc_reqs{status:14,name:infer}", "rate", .less, 0.5),
        ("http_reqs{status:503}:count<10", "http_reqs{status:503}", "count", .less, 10.0),
        ("http_req_waiting{name:infer,model:iris}:p(95)<20ms", "http_req_waiting{name:infer,model:iris}", "p(95)", .less, 20.0),
        ("group_duration{group:checkout}:avg<2s", "group_duration{group:checkout}", "avg", .less, 2000.0),
        ("llm_ttft{name:chat}:p(99)<0.5s", "llm_ttft{name:chat}", "p(99)", .less, 500.0),
        ("llm_itl:p(50)<20ms", "llm_itl", "p(50)", .less, 20.0),
        ("llm_output_tokens_per_second:p(10)>20", "llm_output_tokens_per_second", "p(10)", .greater, 20.0),
        ("llm_goodput:rate>2", "llm_goodput", "rate", .greater, 2.0),
        ("llm_output_tokens:count>=100", "llm_output_tokens", "count", .greaterOrEqual, 100.0),
        ("stream_message_gap:max<1s", "stream_message_gap", "max", .less, 1000.0),
    ])
    func parsesValidThresholds(input: String, key: String, aggregation: String, comparison: Threshold.Comparison, bound: Double) throws {
        let t = try ThresholdParser.parse(input)
        #expect(t.metricKey == key)
        #expect(t.aggregation.description == aggregation)
        #expect(t.comparison == comparison)
        #expect(abs(t.bound - bound) < 1e-9)
    }

    @Test(arguments: [
        ("http_req_duration:p(99)<50ms abortOnFail", 0.0),
        ("http_req_duration:p(99)<50ms abortOnFail(10s)", 10.0),
        ("http_req_failed:rate<1%  abortOnFail( 500ms )", 0.5),
        ("checks:rate>0.9 abortOnFail(2m)", 120.0),
    ])
    func abortOnFailWithAnOptionalDelay(input: String, delay: Double) throws {
        let t = try ThresholdParser.parse(input)
        #expect(t.abortOnFail)
        #expect(t.abortDelaySeconds == delay)
        #expect(try !ThresholdParser.parse("http_req_duration:p(99)<50ms").abortOnFail)
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
        ("llm_output_tokens_per_second:p(10)>20ms", "takes a plain number, not \"ms\"", 38),
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
        ("http_req_duration:p(99)<1ms abortOnFail(", "expected a delay", 41),
        ("http_req_duration:p(99)<1ms abortOnFail(10)", "needs a unit", 43),
        ("http_req_duration:p(99)<1ms abortOnFail(10h)", "unknown unit \"h\"", 43),
        ("http_req_duration:p(99)<1ms abortOnFail(10s", "expected ')'", 44),
        ("http_req_duration:p(99)<1ms abortOnFail(-1s)", "expected a delay", 41),
        ("http_req_duration:p(99)<1ms abortOnFail(1s) x", "unexpected \"x\"", 45),
        ("http_req_duration:p(99)<1ms abortonfail", "unexpected \"abortonfail\"", 29),
        ("http_req_duration:p(99)<1ms ,abortOnFail", "unexpected \",abortOnFail\"", 29),
        ("grpc_reqs{status:BUSY}:count==0", "unknown gRPC status \"BUSY\"", 1),
        ("grpc_reqs{status:17}:count==0", "unknown gRPC status \"17\"", 1),
        ("http_reqs{status:OK}:count==0", "an HTTP status filter takes a number", 1),
        ("grpc_reqs:p(99)<1", "p(99) does not apply to grpc_reqs", 11),
        ("http_req_duration{status:200}:p(99)<1", "cannot be filtered by \"status\"", 19),
        ("http_req_duration{name:a}{name:b}:p(99)<1", "unexpected '{' or '}' inside the filter", 19),
        ("http_req_duration:p()<1", "expected a percentile", 21),
        ("http_req_duration:p(1e3)<1", "expected ')'", 22),
        ("http_req_duration:avg<1..2", "expected a number", 23),
        ("http_req_duration:avg<<1", "unknown comparison \"<<\"", 22),
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
        // A fuzz run of three seconds: random strings over the grammar's alphabet, and valid
        // thresholds with characters inserted, deleted and swapped. Any input either parses or
        // throws a syntax error whose column lies inside the input (or one past its end).
        var rng = SystemRandomNumberGenerator()
        let alphabet = Array("http_req_duration{}:,()<>=!. 0123456789msu%avgpcountrateheckname-+eE") + ["µ", "é", "\u{0}", "\t", "🙂"]
        let seeds = ["http_req_duration{name:home}:p(99)<200ms", "http_req_failed:rate<1% abortOnFail(10s)",
                     "grpc_reqs{status:UNAVAILABLE}:count==0", "checks{check:ok}:rate>=0.99", "iteration_duration:p(99.9)<=1.5s"]
        let deadline = ContinuousClock.now + .seconds(3)
        var inputs = 0, parsed = 0
        while ContinuousClock.now < deadline {
            var chars: [Character]
            if Bool.random(using: &rng) {
                chars = (0..<Int.random(in: 0...40, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }
            } else {
                chars = Array(seeds.randomElement(using: &rng)!)
                for _ in 0..<Int.random(in: 1...4, using: &rng) {
                    let i = Int.random(in: 0...chars.count, using: &rng)
                    switch Int.random(in: 0..<3, using: &rng) {
                    case 0: chars.insert(alphabet.randomElement(using: &rng)!, at: i)
                    case 1: if i < chars.count { chars.remove(at: i) }
                    default: if i + 1 < chars.count { chars.swapAt(i, i + 1) }
                    }
                }
            }
            let s = String(chars)
            inputs += 1
            do {
                let t = try ThresholdParser.parse(s)
                parsed += 1
                #expect(t.bound.isFinite, "\(s.debugDescription)")
            } catch {
                #expect(error.column >= 1 && error.column <= s.count + 1, "\(s.debugDescription): \(error.column)")
            }
        }
        #expect(inputs > 10_000)
        #expect(parsed > 0, "the mutations never produced a valid threshold")
    }
}
