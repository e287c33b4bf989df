extension VU {
    /// A model's Open Inference Protocol metadata over REST: `GET {base}/v2/models/{model}`
    /// (`/versions/{version}` when given), recorded as a request named `model metadata`. Call it
    /// in `setup()` and hand the result to every VU; see `V2ModelMetadata`.
    nonisolated(nonsending) public func modelMetadata(rest base: String, model: String, version: String? = nil,
                                                      headers: HTTPHeaders = [:]) async throws -> V2ModelMetadata {
        let path = "/v2/models/\(model)" + (version.map { "/versions/\($0)" } ?? "")
        let r = try await http.get(base + path, headers: headers, name: "model metadata")
        guard r.status == 200 else {
            throw V2PayloadError("GET \(path) answered \(r.status == 0 ? (r.error.map { "\($0)" } ?? "nothing") : "HTTP \(r.status)")")
        }
        do { return try r.json(V2ModelMetadata.self) } catch {
            throw V2PayloadError("GET \(path) did not answer V2 model metadata: \(error)")
        }
    }

    /// A model's Open Inference Protocol metadata over gRPC (`ModelMetadata`), recorded as a
    /// call named `model metadata`.
    nonisolated(nonsending) public func modelMetadata(grpc target: String, model: String, version: String = "",
                                                      metadata: HTTPHeaders = [:]) async throws -> V2ModelMetadata {
        var request = Inference_ModelMetadataRequest()
        request.name = model
        request.version = version
        let r = try await grpc.unary(target, "/inference.GRPCInferenceService/ModelMetadata", request, metadata: metadata,
                                     deadline: .seconds(10), name: "model metadata")
        guard r.ok else { throw V2PayloadError("ModelMetadata for \(model) failed: \(r.code) \(r.statusMessage)") }
        return V2ModelMetadata(try r.decode(Inference_ModelMetadataResponse.self))
    }
}
