// The FastAPI app of serving/fastapi_app.py, serving the same scikit-learn model as MLServer, at
// a constant arrival rate, fed with real iris rows; every prediction is checked.
//
//     serving/start.sh fastapi
//     swiftload run scenarios/fastapi_rest.swift --env TARGET=http://127.0.0.1:28090 --rate 200 --duration 30s
//
// Environment: TARGET (the app's base URL), ROUTE (predict: `POST /predict` with
// {"instances": rows}; v2: the V2 `POST /v2/models/iris/infer`, as MLServer), BATCH (rows per
// request, default 1).
import SwiftLoad

@main struct FastAPIREST: LoadTest {
    static let iris = Feeder.csv("data/iris.csv", strategy: .sequential)
    static let features = ["sepal_length", "sepal_width", "petal_length", "petal_width"]

    // TARGET (the base URL) comes from --env and becomes Options.baseURL: requests name paths only.
    static func options(_ env: Environment) -> Options {
        Options(
            scenarios: ["infer": .constantArrivalRate(100, duration: .seconds(30), preAllocatedVUs: 20, maxVUs: 300)],
            thresholds: [
                "http_req_duration{name:infer}": "p(99) < 50ms",
                "http_req_failed": "rate < 1%",
                "checks{check:predicted the label}": "rate > 0.9",
            ],
            baseURL: env["TARGET", default: "http://127.0.0.1:28090"])
    }

    struct Instances: Encodable { let instances: [[Double]] }
    struct Predictions: Decodable { let predictions: [Int64] }

    static func iteration(_ vu: VU) async throws {
        let batch = max(1, Int(vu.env["BATCH", default: "1"]) ?? 1)
        let records = try iris.next(vu, count: batch)
        let rows: [[Double]] = try records.map { try $0.values(features) }
        let labels: [Int64] = try records.map { try $0.value("species") }
        let predicted: [Int64]?
        let r: Response
        if vu.env["ROUTE", default: "predict"] == "v2" {
            r = try await vu.http.post("/v2/models/iris/infer", json: V2InferenceRequest.fp32(rows: rows), name: "infer")
            predicted = try? r.json(V2InferenceResponse.self).output("predict")?.int64Values
        } else {
            r = try await vu.http.post("/predict", json: Instances(instances: rows), name: "infer")
            predicted = try? r.json(Predictions.self).predictions
        }
        vu.check(r, "one class per row") { _ in predicted?.count == batch }
        for (p, label) in zip(predicted ?? [], labels) { vu.check(p, "predicted the label") { $0 == label } }
    }
}
