// MLServer's ModelInfer over gRPC (the Open Inference Protocol) at a constant arrival rate, fed
// with real iris rows; every prediction is checked against the row's label.
//
//     serving/start.sh mlserver
//     swiftload run scenarios/mlserver_grpc.swift --env TARGET=127.0.0.1:28081 --rate 200 --duration 30s
//
// Environment: TARGET (host:port of the gRPC port), MODEL (iris, or iris-xgb), BATCH (rows per
// call, default 1), RAW=1 to send raw_input_contents instead of typed contents. CONNECTIONS (a
// process environment variable, read when the options are built): HTTP/2 connections per
// generator worker, default 4.
import Foundation
import SwiftLoad

@main struct MLServerGRPC: LoadTest {
    static let iris = Feeder.csv("data/iris.csv", strategy: .sequential)
    static let features = ["sepal_length", "sepal_width", "petal_length", "petal_width"]

    static let options = Options(
        scenarios: ["infer": .constantArrivalRate(100, duration: .seconds(30), preAllocatedVUs: 20, maxVUs: 300)],
        thresholds: [
            "http_req_duration{name:infer}": "p(99) < 50ms",
            "http_req_failed": "rate < 1%",
            "grpc_reqs{status:UNAVAILABLE}": "count == 0",
            "checks{check:predicted the label}": "rate > 0.9",
        ],
        // Every VU's calls share these connections. Against MLServer one connection per worker
        // showed occasional stalls of 100+ ms in p99 that four connections did not (see
        // reports/README.md); k6 opens one connection per VU.
        http2: .init(connectionsPerTarget: Int(ProcessInfo.processInfo.environment["CONNECTIONS"] ?? "") ?? 4))

    static func iteration(_ vu: VU) async throws {
        let target = vu.env["TARGET", default: "127.0.0.1:28081"]
        let batch = max(1, Int(vu.env["BATCH", default: "1"]) ?? 1)
        let records = try iris.next(vu, count: batch)
        let rows: [[Float]] = try records.map { try $0.values(features) }
        let labels: [Int64] = try records.map { try $0.value("species") }
        let request = Inference_ModelInferRequest.fp32(model: vu.env["MODEL", default: "iris"], rows: rows,
                                                       raw: vu.env["RAW"] == "1")
        let r = try await vu.grpc.unary(target, "/inference.GRPCInferenceService/ModelInfer", request,
                                        deadline: .seconds(5), name: "infer")
        let predicted = try? r.decode(Inference_ModelInferResponse.self).int64Values()
        vu.check(r, "one class per row") { _ in predicted?.count == batch }
        for (p, label) in zip(predicted ?? [], labels) { vu.check(p, "predicted the label") { $0 == label } }
    }
}
