import Foundation
import Testing
@testable import SwiftLoad
import TestSupport
#if canImport(FoundationXML)
import FoundationXML
#endif

/// The report formats, rendered from a real run against the fixture server: what each shows,
/// that hostile strings are escaped, and that the numbers agree with the result.
@Suite(.serialized) struct ReportTests {
    /// A short run with several names, a group, failures of two kinds, checks and thresholds.
    static let result: RunResult = {
        let base = sharedFixture.base
        return try! runLoad(Options(scenarios: ["mixed": .perVUIterations(vus: 2, iterations: 20)], thresholds: [
            "http_req_duration{name:ok}": "p(99) < 5s",
            "http_req_failed": "rate < 1%",
        ])) { vu in
            let r = try await vu.http.get(base + "/ok", name: "ok")
            vu.check(r, "status <is> \"200\" & fine") { $0.status == 200 }
            try await vu.group("<b>odd</b> group") {
                _ = try await vu.http.get(base + "/status?code=503", name: "<script>alert(1)</script>")
            }
            _ = try await vu.http.get("http://127.0.0.1:9/x", name: "refused")
        }
    }()

    @Test func htmlShowsEverySectionAndEscapesEveryString() throws {
        let r = Self.result
        let html = HTMLReport.render(r)
        #expect(html.hasPrefix("<!doctype html>"))
        for heading in ["Requests", "Over time", "Latency distribution", "Thresholds", "Checks", "Errors", "Scenarios", "Groups", "Run"] {
            #expect(html.contains("<h2>\(heading)</h2>"), "no \(heading) section")
        }
        // Hostile names and messages are text, never markup.
        #expect(!html.contains("<script>"))
        #expect(html.contains("&lt;b&gt;odd&lt;/b&gt; group::&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(html.contains("status &lt;is&gt; &quot;200&quot; &amp; fine"))
        // Nothing is fetched: no external URL anywhere but the SVG namespace.
        let regex = try NSRegularExpression(pattern: "[a-z]+://[^\"'< ]*")
        let urls = regex.matches(in: html, range: NSRange(html.startIndex..., in: html)).map { String(html[Range($0.range, in: html)!]) }
        #expect(urls.allSatisfy { $0 == "http://www.w3.org/2000/svg" || $0.hasPrefix("http://127.0.0.1") }, "\(urls)")
        // The verdict: the failure rate threshold failed.
        #expect(html.contains("Failed: 1 of 2 thresholds failed"))
        // Charts: the time series, the VU chart and the spectrum, each with data.
        #expect(html.components(separatedBy: "<svg class=\"chart\"").count - 1 >= 5)
        #expect(html.contains("Latency by percentile"))
        #expect(html.contains(r.run.targets.first ?? "?"))
    }

    @Test func theSpectrumRunsFromTheMinimumToTheMaximum() throws {
        let r = Self.result
        let spectrum = try #require(try r.spectrum(name: "ok"))
        let stats = try #require(r.byName.first { $0.name == "ok" })
        #expect(spectrum.count == stats.count)
        #expect(abs(spectrum.points.first!.milliseconds - stats.duration.min) < 0.01)
        #expect(abs(spectrum.points.last!.milliseconds - stats.duration.max) < 0.01)
        // Monotonic, and through the median and p90 the summary gives.
        #expect(zip(spectrum.points, spectrum.points.dropFirst()).allSatisfy { $0.milliseconds <= $1.milliseconds })
        let median = spectrum.points.first { $0.percentile >= 50 }!
        #expect(median.milliseconds >= stats.duration.med * 0.99)
    }

    @Test func csvHasLocustsColumnsAndAgreesWithTheResult() throws {
        let r = Self.result
        let lines = CSVReport.stats(r).components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(lines[0] == CSVReport.statsHeader.joined(separator: ","))
        #expect(lines.count == r.byName.count + 2)
        let ok = try #require(lines.first { $0.hasPrefix("HTTP,ok,") }).split(separator: ",").map(String.init)
        #expect(ok.count == CSVReport.statsHeader.count)
        #expect(Int(ok[2]) == 40 && Int(ok[3]) == 0)
        #expect(lines.last!.hasPrefix(",Aggregated,\(r.requests.count),\(r.requests.failures),"))
        // A name with a comma or quote is quoted.
        #expect(CSVReport.row(["a,b", "say \"hi\"", "plain"]) == "\"a,b\",\"say \"\"hi\"\"\",plain")
        let history = CSVReport.history(r).components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(history.count == r.timeSeries.count + 1)
        let failures = CSVReport.failures(r)
        #expect(failures.contains("connection_refused"))
        #expect(CSVReport.paths("out/run.csv") == ("out/run.csv", "out/run_history.csv", "out/run_failures.csv"))
    }

    @Test func junitHasOneCasePerThresholdAndFailsExactlyWhenTheGateDoes() throws {
        let r = Self.result
        let xml = JUnitReport.render(r)
        let doc = try XMLDocument(data: Data(xml.utf8))
        let cases = try doc.nodes(forXPath: "//testcase")
        #expect(cases.count == r.thresholds.count + 1)
        let failures = try doc.nodes(forXPath: "//testcase/failure")
        #expect(failures.count == r.thresholds.filter { !$0.passed }.count)
        let suite = try #require(try doc.nodes(forXPath: "/testsuites").first as? XMLElement)
        #expect(suite.attribute(forName: "failures")?.stringValue == String(failures.count))
        #expect(xml.contains("name=\"http_req_failed: rate &lt; 1%\""))
    }

    @Test func summaryIsCompactAndNamesEveryMetric() throws {
        let s = SummaryReport.summary(Self.result)
        #expect(s.metrics["http_reqs"]?["count"] == Double(Self.result.requests.count))
        #expect(s.metrics["http_req_duration"]?["p(99)"] == Self.result.requests.duration.p99)
        #expect(s.metrics["checks"]?["passes"] == 40)
        #expect(s.thresholdsPassed == false)
        #expect(s.byName["ok"]?["count"] == 40)
    }

    @Test func aComparisonShowsEachRunAndTheChange() throws {
        let a = Self.result
        var b = a
        b.requests.duration.p99 = a.requests.duration.p99 * 2
        let html = HTMLComparison.render([HTMLComparison.Run(label: "before <1>", result: a), HTMLComparison.Run(label: "after", result: b)])
        #expect(html.contains("before &lt;1&gt;"))
        #expect(html.contains("(+100.0%)"))
        #expect(html.components(separatedBy: "<svg class=\"chart\"").count - 1 == 3)
        #expect(HTMLComparison.delta(90, 100, better: -1).contains("pass"))
        #expect(HTMLComparison.delta(110, 100, better: -1).contains("fail"))
        #expect(HTMLComparison.delta(102, 100, better: -1).contains("muted"))
    }

    @Test func ndjsonStreamsAPointEverySecondThenTheTotals() throws {
        let path = Paths.temporaryDirectory("ndjson") + "/run.ndjson"
        let stream = try NDJSONStream(path: path)
        stream.start(script: "s.swift", scenarios: ["s"])
        let seen = Collected<Int>()
        let result = try LoadRunner.run(script: { vu in try await vu.sleep(.milliseconds(100)) },
                                        options: Options(scenarios: ["s": .constantVUs(1, duration: .milliseconds(2500))]),
                                        config: RunConfig(quiet: true), onPoint: { p in
                                            // Lines land while the run goes, not at the end.
                                            seen.add((try? String(contentsOfFile: path, encoding: .utf8))?.split(separator: "\n").count ?? 0)
                                            stream.point(p)
                                        })
        stream.end(result)
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        let types = try lines.map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])["type"] as? String }
        #expect(types.first == "start" && types.last == "end")
        #expect(types.filter { $0 == "point" }.count == result.timeSeries.count)
        #expect(seen.all == Array(1...result.timeSeries.count))
    }
}
