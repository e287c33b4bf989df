// MLServer's V2 REST inference (Open Inference Protocol) at a constant arrival rate, fed with
// real iris rows; every prediction is checked against the row's label.
//
//     serving/start.sh mlserver
//     swiftload run scenarios/mlserver_rest.swift --env TARGET=http://127.0.0.1:28080 --rate 200 --duration 30s
//
// Environment: TARGET (MLServer's REST base URL), MODEL (iris, or iris-xgb for the XGBoost
// model), BATCH (rows per request, default 1).
import SwiftLoad

@main struct MLServerREST: LoadTest {
    static let iris = Feeder.csv("data/iris.csv", strategy: .sequential)
    static let features = ["sepal_length", "sepal_width", "petal_length", "petal_width"]

    // TARGET (the base URL) comes from --env and becomes Options.baseURL: requests name paths only.
    static func options(_ env: Environment) -> Options {
        Options(
            // Open model: requests arrive at the rate whatever the server does, so a server past its
            // saturation point shows as queueing latency and dropped iterations, not a politely
            // lower rate.
            scenarios: ["infer": .constantArrivalRate(100, duration: .seconds(30), preAllocatedVUs: 20, maxVUs: 300)],
            thresholds: [
                "http_req_duration{name:infer}": "p(99) < 50ms",
                "http_req_failed": "rate < 1%",
                // Accuracy under load: the model gets about 96 % of the iris rows right.
                "checks{check:predicted the label}": "rate > 0.9",
            ],
            baseURL: env["TARGET", default: "http://127.0.0.1:28080"])
    }

    static func iteration(_ vu: VU) async throws {
        let model = vu.env["MODEL", default: "iris"]
        let batch = max(1, Int(vu.env["BATCH", default: "1"]) ?? 1)
        let records = try iris.next(vu, count: batch)
        let rows: [[Double]] = try records.map { try $0.values(features) }
        let labels: [Int64] = try records.map { try $0.value("species") }
        let r = try await vu.http.post("/v2/models/\(model)/infer", json: V2InferenceRequest.fp32(rows: rows), name: "infer")
        let predicted = try? r.json(V2InferenceResponse.self).output("predict")?.int64Values
        vu.check(r, "one class per row") { _ in predicted?.count == batch }
        for (p, label) in zip(predicted ?? [], labels) { vu.check(p, "predicted the label") { $0 == label } }
    }
}
