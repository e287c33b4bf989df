import Foundation
import Testing
@testable import SwiftLoad
import TestSupport

/// Distinct request names are capped: past the cap they fold into one series and the run warns.
@Suite(.serialized) struct NameCapTests {
    @Test func namesPastTheCapFoldIntoOneSeriesWithAWarning() throws {
        let nginx = try NginxServer(extraServerConfig: "location /item/ { return 200 \"ok\"; }")
        let base = nginx.base
        let result = try runLoad(Options(scenarios: ["s": .sharedIterations(vus: 4, iterations: 400)],
                                         maxRequestNames: 50)) { vu in
            // 200 distinct URLs, each its own default name.
            _ = try await vu.http.get("\(base)/item/\(vu.iteration * 4 + vu.id % 200)?q=1")
        }
        let distinct = Set(nginx.accessLog().map { $0[3].split(separator: "?")[0] })
        #expect(distinct.count > 50, "only \(distinct.count) distinct URLs were sent")
        #expect(result.byName.count == 51, "\(result.byName.count) names")
        let overflow = try #require(result.stats(RequestNameCap.overflowName))
        #expect(result.byName.reduce(0) { $0 + $1.count } == 400)
        #expect(result.requests.count == nginx.accessLog().count)
        #expect(overflow.count == 400 - result.byName.filter { $0.name != RequestNameCap.overflowName }.reduce(0) { $0 + $1.count })
        let warning = try #require(result.warnings?.first)
        #expect(warning.contains("more than 50 distinct request names"), "\(warning)")
        #expect(warning.contains(base + "/item/"), "the warning shows no example URL: \(warning)")
        #expect(warning.contains("name:"))
        // The result's histograms hold one series per recorded name, no more.
        #expect(result.histograms.series.count == 51)
    }

    @Test func aRunUnderTheCapHasNoWarning() throws {
        let nginx = try NginxServer()
        let url = nginx.base + "/f64"
        let result = try runLoad(Options(scenarios: ["s": .sharedIterations(vus: 2, iterations: 20)])) { vu in
            _ = try await vu.http.get(url)
        }
        #expect(result.warnings == nil)
        #expect(result.byName.count == 1)
    }
}
