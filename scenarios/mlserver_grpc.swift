// MLServer's ModelInfer over gRPC (the Open Inference Protocol), at a constant arrival rate.
//
//     swiftload run scenarios/mlserver_grpc.swift --env TARGET=127.0.0.1:8081
//
// Environment: TARGET (host:port of the gRPC port), MODEL (default iris), BATCH (rows per call,
// default 1), RAW=1 to send raw_input_contents instead of typed contents.
import SwiftLoad

@main struct MLServerGRPC: LoadTest {
    static let options = Options(
        scenarios: ["infer": .constantArrivalRate(100, duration: .seconds(30), preAllocatedVUs: 10, maxVUs: 100)],
        thresholds: [
            "http_req_duration{name:ModelInfer}": "p(99) < 250ms",
            "http_req_failed": "rate < 1%",
            "checks": "rate > 0.9",
        ])

    static func iteration(_ vu: VU) async throws {
        let target = vu.env["TARGET", default: "127.0.0.1:8081"]
        let batch = max(1, Int(vu.env["BATCH", default: "1"]) ?? 1)
        let rows = (0..<batch).map { Iris.rows[(vu.id * 7 + vu.iteration * batch + $0) % Iris.rows.count] }
        let request = Inference_ModelInferRequest.fp32(model: vu.env["MODEL", default: "iris"],
                                                       rows: rows.map(\.features), raw: vu.env["RAW"] == "1")
        let r = try await vu.grpc.unary(target, "/inference.GRPCInferenceService/ModelInfer", request, name: "ModelInfer")
        vu.check(r, "predicted class is the label") {
            try $0.decode(Inference_ModelInferResponse.self).int64Values() == rows.map(\.label)
        }
    }
}

/// Rows of the iris data set (sepal length, sepal width, petal length, petal width; class), five
/// typical flowers of each class.
enum Iris {
    struct Row: Sendable { let features: [Float]; let label: Int64 }
    static let rows: [Row] = [
        Row(features: [5.1, 3.5, 1.4, 0.2], label: 0), Row(features: [4.9, 3.0, 1.4, 0.2], label: 0),
        Row(features: [4.7, 3.2, 1.3, 0.2], label: 0), Row(features: [5.0, 3.6, 1.4, 0.2], label: 0),
        Row(features: [5.4, 3.9, 1.7, 0.4], label: 0),
        Row(features: [7.0, 3.2, 4.7, 1.4], label: 1), Row(features: [6.4, 3.2, 4.5, 1.5], label: 1),
        Row(features: [5.5, 2.3, 4.0, 1.3], label: 1), Row(features: [5.7, 2.8, 4.5, 1.3], label: 1),
        Row(features: [5.6, 2.9, 3.6, 1.3], label: 1),
        Row(features: [6.3, 3.3, 6.0, 2.5], label: 2), Row(features: [7.1, 3.0, 5.9, 2.1], label: 2),
        Row(features: [6.5, 3.0, 5.8, 2.2], label: 2), Row(features: [7.6, 3.0, 6.6, 2.1], label: 2),
        Row(features: [7.7, 3.8, 6.7, 2.2], label: 2),
    ]
}
