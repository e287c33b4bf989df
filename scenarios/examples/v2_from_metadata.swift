// Any Open Inference Protocol model, benchmarked with no payload code: setup() asks the server
// for the model's metadata (its inputs' names, datatypes and shapes), and every iteration sends
// a batch of generated values of exactly that shape, over REST or gRPC.
//
//     serving/start.sh mlserver
//     swiftload run scenarios/examples/v2_from_metadata.swift --env TARGET=http://127.0.0.1:28080 --rate 100 --duration 20s
//     swiftload run scenarios/examples/v2_from_metadata.swift --env TARGET=127.0.0.1:28081 --env PROTOCOL=grpc
//
// Environment: TARGET (a base URL for REST, host:port for gRPC), PROTOCOL (rest or grpc), MODEL
// (default iris), BATCH (rows per request, default 1). Feed real rows instead of generated ones
// with `model.restRequest(rows: ...)` (see csv_feeder_v2_inference.swift).
import SwiftLoad

@main struct V2FromMetadata: LoadTest {
    static let options = Options(
        scenarios: ["infer": .constantArrivalRate(50, duration: .seconds(10), preAllocatedVUs: 10, maxVUs: 100)],
        thresholds: ["http_req_failed": "rate < 1%", "checks{check:one output row per input row}": "rate > 0.99"])

    static func setup(_ vu: VU) async throws -> V2ModelMetadata {
        let target = vu.env["TARGET", default: "http://127.0.0.1:28080"], model = vu.env["MODEL", default: "iris"]
        return vu.env["PROTOCOL"] == "grpc"
            ? try await vu.modelMetadata(grpc: target, model: model)
            : try await vu.modelMetadata(rest: target, model: model)
    }

    static func iteration(_ vu: VU) async throws {
        let model = try setupData(vu)
        let target = vu.env["TARGET", default: "http://127.0.0.1:28080"]
        let batch = max(1, Int(vu.env["BATCH", default: "1"]) ?? 1)
        // A new seed each iteration: different values every call, the same ones every run.
        let fill = V2Fill.random(seed: UInt64(vu.iteration))
        if vu.env["PROTOCOL"] == "grpc" {
            let r = try await vu.grpc.unary(target, "/inference.GRPCInferenceService/ModelInfer",
                                            try model.grpcRequest(batch: batch, fill: fill), deadline: .seconds(5), name: "infer")
            let rows = try? r.decode(Inference_ModelInferResponse.self).output()?.shape.first
            vu.check(r, "one output row per input row") { _ in rows == Int64(batch) }
        } else {
            let r = try await vu.http.post("\(target)/v2/models/\(model.name)/infer", json: try model.restRequest(batch: batch, fill: fill),
                                           name: "infer")
            let rows = try? r.json(V2InferenceResponse.self).output()?.shape.first
            vu.check(r, "one output row per input row") { _ in rows == batch }
        }
    }
}
