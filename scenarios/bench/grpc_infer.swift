// The gRPC benchmark row: VUs call ModelInfer back to back over one HTTP/2 connection per
// worker, as a gRPC channel does.
//
//     swiftload run scenarios/bench/grpc_infer.swift --env TARGET=127.0.0.1:8081 --vus 50 --duration 8s
import SwiftLoad

@main struct BenchGRPCInfer: LoadTest {
    static let options = Options(scenarios: ["infer": .constantVUs(50, duration: .seconds(60))], workers: 1)
    static let request = Inference_ModelInferRequest.fp32(model: "iris", rows: [[5.1, 3.5, 1.4, 0.2]])

    static func iteration(_ vu: VU) async throws {
        try await vu.grpc.unary(vu.env["TARGET", default: "127.0.0.1:8081"],
                                    "/inference.GRPCInferenceService/ModelInfer", request, name: "infer")
    }
}
