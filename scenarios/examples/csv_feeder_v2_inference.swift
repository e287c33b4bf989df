// A feeder of Open Inference Protocol (KServe V2) payloads built from a CSV of feature rows:
// every request sends a real row, and the check compares the model's answer with the row's
// label.
//
//     swiftload run scenarios/examples/csv_feeder_v2_inference.swift --env BASE_URL=http://127.0.0.1:8080
//
// `Feeder.csv` reads the file once (relative to this file's folder) and is shared by every VU
// on every worker. `.sequential` walks the rows in turn across the whole test, wrapping at the
// end; `.random` draws a row per call; `.unique` hands each row out once and stops the test
// (exit code 108) when they run out. `BATCH=8` sends eight rows per request.
import SwiftLoad

@main struct CSVFeederExample: LoadTest {
    static let rows = Feeder.csv("../data/iris.csv", strategy: .sequential)

    static let options = Options(
        scenarios: ["infer": .constantArrivalRate(200, duration: .seconds(30), preAllocatedVUs: 10, maxVUs: 100)],
        thresholds: [
            "http_req_duration{name:infer}": "p(99) < 100ms",
            "checks{check:predicted the label}": "rate > 0.9",
        ], baseURL: "http://127.0.0.1:8080")

    static func iteration(_ vu: VU) async throws {
        let batch = max(1, Int(vu.env["BATCH", default: "1"]) ?? 1)
        var features: [[Double]] = [], labels: [Int64] = []
        for _ in 0..<batch {
            let row = try rows.next(vu)
            features.append(try ["sepal_length", "sepal_width", "petal_length", "petal_width"].map { try row.value($0, as: Double.self) })
            labels.append(try row.value("species", as: Int64.self))
        }
        let r = try await vu.http.post("/v2/models/iris/infer", json: V2InferenceRequest.fp32(rows: features), name: "infer")
        vu.check(r, "predicted the label") { try $0.json(V2InferenceResponse.self).output()?.int64Values == labels }
    }
}
