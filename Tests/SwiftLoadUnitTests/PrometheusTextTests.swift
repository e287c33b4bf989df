import Testing
@testable import SwiftLoad

/// The Prometheus text parser and what the scraper derives from two scrapes: real expositions
/// (as prometheus_client 0.26 and OpenMetrics write them), escapes, malformed lines, counter
/// rates and resets, and histogram quantiles as PromQL's `histogram_quantile` computes them.
struct PrometheusTextTests {
    /// prometheus_client's own output (text format 0.0.4), trimmed.
    static let pythonClient = """
        # HELP fixture_requests_total Requests answered.
        # TYPE fixture_requests_total counter
        fixture_requests_total{path="/work"} 150.0
        # HELP fixture_requests_created Requests answered.
        # TYPE fixture_requests_created gauge
        fixture_requests_created{path="/work"} 1.7962810394186132e+09
        # HELP fixture_request_seconds Service time of /work.
        # TYPE fixture_request_seconds histogram
        fixture_request_seconds_bucket{le="0.001"} 0.0
        fixture_request_seconds_bucket{le="0.002"} 10.0
        fixture_request_seconds_bucket{le="0.004"} 90.0
        fixture_request_seconds_bucket{le="+Inf"} 100.0
        fixture_request_seconds_count 100.0
        fixture_request_seconds_sum 0.31
        # HELP fixture_note A label value with "quotes", a back\\\\slash and a\\nnewline.
        # TYPE fixture_note gauge
        fixture_note{text="say \\"hi\\"\\\\ \\n bye"} 7.0
        """

    @Test func parsesWhatThePythonClientWrites() throws {
        let families = try PrometheusTextParser.parse(Self.pythonClient)
        #expect(families.map(\.name) == ["fixture_requests_total", "fixture_requests_created", "fixture_request_seconds", "fixture_note"])
        #expect(families[0].type == .counter)
        #expect(families[0].samples == [PrometheusSample(name: "fixture_requests_total", labels: [PrometheusLabel(name: "path", value: "/work")],
                                                         value: 150, timestamp: nil)])
        let h = families[2]
        #expect(h.type == .histogram)
        #expect(h.samples.count == 6, "buckets, _count and _sum belong to the histogram")
        #expect(h.samples[3].label("le") == "+Inf")
        #expect(families[3].help == "A label value with \"quotes\", a back\\slash and a\nnewline.")
        #expect(families[3].samples[0].label("text") == "say \"hi\"\\ \n bye")
        // The series key escapes the value again, as PromQL prints it.
        #expect(families[3].samples[0].seriesKey() == #"fixture_note{text="say \"hi\"\\ \n bye"}"#)
    }

    @Test func parsesOpenMetricsTimestampsSpecialValuesAndSortsLabels() throws {
        let text = "# TYPE jobs counter\r\n# UNIT jobs jobs\r\njobs_total{b=\"2\",a=\"1\",} 5 1700000000.5\r\njobs_created 1.7e9\r\n"
            + "up NaN\nhot +Inf\ncold -Inf 1700000000000\nlatency_seconds{quantile=\"0.5\"} 1e-3 # {trace_id=\"x\"} 1.0\n# EOF\nignored{ after eof\n"
        let families = try PrometheusTextParser.parse(text)
        let jobs = try #require(families.first { $0.name == "jobs" })
        #expect(jobs.samples.map(\.name) == ["jobs_total", "jobs_created"])
        #expect(jobs.samples[0].timestamp == 1_700_000_000_500)
        #expect(jobs.samples[0].seriesKey() == #"jobs_total{a="1",b="2"}"#)
        #expect(families.first { $0.name == "up" }?.samples[0].value.isNaN == true)
        #expect(families.first { $0.name == "hot" }?.samples[0].value == .infinity)
        #expect(families.first { $0.name == "cold" }?.samples[0].timestamp == 1_700_000_000_000)
        #expect(families.first { $0.name == "latency_seconds" }?.type == .untyped)
    }

    @Test(arguments: [
        ("ok 1\nbroken{a=\"b\" 1\n", 2, "expected ',' or '}'"),
        ("x{a=\"unterminated} 1", 1, "unterminated"),
        ("x one", 1, "bad value \"one\""),
        ("x", 1, "expected a value"),
        ("# TYPE x histogramm\nx 1", 1, "unknown type"),
        ("x 1 soon", 1, "bad timestamp"),
        ("{a=\"b\"} 1", 1, "expected a metric name"),
    ])
    func rejectsMalformedLinesWithTheirNumber(text: String, line: Int, reason: String) {
        #expect(throws: PrometheusParseError.self) { try PrometheusTextParser.parse(text) }
        do {
            _ = try PrometheusTextParser.parse(text)
        } catch {
            #expect(error.line == line)
            #expect(error.reason.contains(reason), "\(error)")
        }
    }

    @Test func countersBecomeRatesAndAResetCountsFromZero() throws {
        let before = try PrometheusTextParser.parse("# TYPE c counter\nc_total{k=\"v\"} 100\n# TYPE g gauge\ng 3\n")
        let after = try PrometheusTextParser.parse("# TYPE c counter\nc_total{k=\"v\"} 150\n# TYPE g gauge\ng 4\n")
        let first = ServerSeriesDerivation.derive(before, previous: nil, seconds: 0) { _ in true }
        #expect(first.first { $0.name == #"rate(c_total{k="v"})"# }?.value == nil, "a rate needs two scrapes")
        #expect(first.first { $0.name == "g" }?.value == 3)
        let d = ServerSeriesDerivation.derive(after, previous: ServerSeriesDerivation.index(before), seconds: 0.5) { _ in true }
        let rate = try #require(d.first { $0.name == #"rate(c_total{k="v"})"# })
        #expect(rate.kind == .rate && rate.value == 100 && rate.increase == 50)
        let reset = try PrometheusTextParser.parse("# TYPE c counter\nc_total{k=\"v\"} 7\n")
        let r = ServerSeriesDerivation.derive(reset, previous: ServerSeriesDerivation.index(after), seconds: 1) { _ in true }
        #expect(r[0].increase == 7 && r[0].value == 7)
        // A labelled counter first appears at its first increment: it grew from zero.
        let born = try PrometheusTextParser.parse("# TYPE c counter\nc_total{k=\"new\"} 25\n")
        let b = ServerSeriesDerivation.derive(born, previous: ServerSeriesDerivation.index(before), seconds: 0.5) { _ in true }
        #expect(b[0].increase == 25 && b[0].value == 50)
        let filtered = ServerSeriesDerivation.derive(after, previous: nil, seconds: 1) { $0.hasPrefix("g") }
        #expect(filtered.map(\.name) == ["g"])
    }

    @Test func histogramsBecomeQuantilesOfTheIntervalsObservations() throws {
        func scrape(_ counts: [Double]) throws -> [PrometheusFamily] {
            let les = ["0.001", "0.002", "0.004", "+Inf"]
            let lines = zip(les, counts).map { "h_bucket{route=\"/a\",le=\"\($0)\"} \($1)" }.joined(separator: "\n")
            return try PrometheusTextParser.parse("# TYPE h histogram\n\(lines)\nh_count{route=\"/a\"} \(counts.last!)\nh_sum{route=\"/a\"} 1\n")
        }
        let a = try scrape([0, 10, 90, 100]), b = try scrape([0, 20, 180, 200])
        let d = ServerSeriesDerivation.derive(b, previous: ServerSeriesDerivation.index(a), seconds: 1) { _ in true }
        // Between the scrapes: 10 in (0.001, 0.002], 80 in (0.002, 0.004], 10 above.
        let p50 = try #require(d.first { $0.name == #"histogram_quantile(0.5, h{route="/a"})"# }?.value)
        #expect(abs(p50 - (0.002 + 0.002 * 40 / 80)) < 1e-12)
        #expect(d.first { $0.name == #"histogram_quantile(0.99, h{route="/a"})"# }?.value == 0.004, "in +Inf: the highest finite bound")
        #expect(d.first { $0.name == #"rate(h_count{route="/a"})"# }?.value == 100)
        // Nothing observed between the scrapes: no quantile, not a zero.
        let idle = ServerSeriesDerivation.derive(b, previous: ServerSeriesDerivation.index(b), seconds: 1) { _ in true }
        #expect(idle.first { $0.kind == .quantile }?.value == nil)
    }

    @Test func bucketQuantileMatchesPrometheus() {
        let b: [(le: Double, count: Double)] = [(1, 10), (2, 20), (.infinity, 20)]
        #expect(ServerSeriesDerivation.bucketQuantile(0.5, b) == 1)
        #expect(ServerSeriesDerivation.bucketQuantile(0.75, b) == 1.5)
        #expect(ServerSeriesDerivation.bucketQuantile(0.5, [(1, 0), (.infinity, 0)]) == nil)
        #expect(ServerSeriesDerivation.bucketQuantile(0.5, [(1, 5)]) == nil, "no +Inf bucket")
    }

    @Test func serverThresholdsParseInBothForms() throws {
        let t = try ThresholdParser.parse(#"server:rate(x_total{code="5:00"}): max < 5"#)
        #expect(t.metric == .server && t.serverSeries == #"rate(x_total{code="5:00"})"#)
        #expect(t.metricKey == #"server:rate(x_total{code="5:00"})"# && t.bound == 5)
        let recorded = try ThresholdParser.parse("server:job:rate5m:p(95)<0.5")
        #expect(recorded.serverSeries == "job:rate5m" && recorded.aggregation == .percentile(95))
        let script = try ThresholdParser.parse(metricKey: "server:histogram_quantile(0.99, h)", condition: "max < 0.05 abortOnFail")
        #expect(script.serverSeries == "histogram_quantile(0.99, h)" && script.abortOnFail)
        #expect(throws: ThresholdSyntaxError.self) { try ThresholdParser.parse("server:: max < 1") }
        #expect(throws: ThresholdSyntaxError.self) { try ThresholdParser.parse("server:x: max < 1ms") }
        #expect(throws: ThresholdSyntaxError.self) { try ThresholdParser.parse("server: max<1") }
        #expect(throws: ThresholdSyntaxError.self) { try ThresholdParser.parse(metricKey: "server", condition: "max < 1") }
    }
}
