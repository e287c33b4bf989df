import SwiftProtobuf

/// The gRPC client of one VU (`vu.grpc`): unary calls over HTTP/2, sharing the worker's
/// connections to each target. Every call returns a `GRPCResponse`, also when it failed; calls
/// throw only `Interrupted` when the run stops.
///
///     let r = try await vu.grpc.unary("127.0.0.1:8081", "/inference.GRPCInferenceService/ModelInfer", request)
///     let reply = try r.decode(Inference_ModelInferResponse.self)
public struct GRPC {
    let vu: VU

    /// Calls the unary method `method` (its full path, `/package.Service/Method`) on `target`
    /// (`host:port` or `grpc://host:port` in the clear, `grpcs://host:port` over TLS).
    /// - Parameters:
    ///   - metadata: custom headers (lowercase names; `-bin` values base64-encoded by you).
    ///   - deadline: sent as `grpc-timeout`; a call still running then fails as DEADLINE_EXCEEDED.
    ///   - name: the metrics group (default: the method path).
    public func unary<Message: SwiftProtobuf.Message>(
        _ target: String, _ method: String, _ request: Message, metadata: HTTPHeaders = [:],
        deadline: Duration? = nil, name: String? = nil
    ) async throws -> GRPCResponse {
        let bytes: [UInt8]
        do {
            bytes = try request.serializedBytes()
        } catch {
            return GRPCCall.failedLocally(vu: vu, method: method, name: name, target: target,
                                          RequestError(.grpc(.internal), "cannot serialise the request: \(error)"))
        }
        return try await unary(target, method, bytes: bytes, metadata: metadata, deadline: deadline, name: name)
    }

    /// Calls a server-streaming method: the reply's `messages` holds every message and
    /// `timeToFirstMessage` when the first arrived; metrics time the whole call.
    public func serverStreaming<Message: SwiftProtobuf.Message>(
        _ target: String, _ method: String, _ request: Message, metadata: HTTPHeaders = [:],
        deadline: Duration? = nil, name: String? = nil
    ) async throws -> GRPCResponse {
        try vu.checkRunning()
        let bytes: [UInt8]
        do {
            bytes = try request.serializedBytes()
        } catch {
            return GRPCCall.failedLocally(vu: vu, method: method, name: name, target: target,
                                          RequestError(.grpc(.internal), "cannot serialise the request: \(error)"))
        }
        return try await GRPCCall.call(vu: vu, target: target, method: method, message: bytes, metadata: metadata,
                                       deadline: deadline, name: name, streaming: true)
    }

    /// Calls a server-streaming method with a request message already serialised.
    public func serverStreaming(_ target: String, _ method: String, bytes: [UInt8], metadata: HTTPHeaders = [:],
                                deadline: Duration? = nil, name: String? = nil) async throws -> GRPCResponse {
        try vu.checkRunning()
        return try await GRPCCall.call(vu: vu, target: target, method: method, message: bytes, metadata: metadata,
                                       deadline: deadline, name: name, streaming: true)
    }

    /// Calls a unary method with a request message already serialised.
    public func unary(_ target: String, _ method: String, bytes: [UInt8], metadata: HTTPHeaders = [:],
                      deadline: Duration? = nil, name: String? = nil) async throws -> GRPCResponse {
        try vu.checkRunning()
        return try await GRPCCall.unary(vu: vu, target: target, method: method, message: bytes,
                                        metadata: metadata, deadline: deadline, name: name)
    }
}

extension VU {
    /// gRPC calls made through this VU are timed and counted like HTTP requests, grouped by
    /// method (or the name given).
    public var grpc: GRPC { GRPC(vu: self) }
}

/// The outcome of a gRPC call. A call that failed (transport error, non-OK status, malformed
/// reply) has `error` set and counts as an error, classified by status code name.
public struct GRPCResponse: Sendable {
    public let name: String
    public let method: String
    /// The call's status: from `grpc-status`, or what a gRPC client reports for a failure that
    /// had none (UNAVAILABLE for a refused connection, DEADLINE_EXCEEDED for a deadline, …).
    public let code: GRPCStatusCode
    /// `grpc-message`, decoded.
    public let statusMessage: String
    /// The reply messages' bytes: one for a unary call that succeeded, any number for a
    /// server-streaming call, none for a failed call.
    public let messages: [[UInt8]]
    /// The (first) reply message's bytes, when one arrived.
    public var message: [UInt8]? { messages.first }
    /// Server streaming: from the intended start to the first whole message.
    public let timeToFirstMessage: Duration?
    let rawHeaders: [UInt8]
    let rawTrailers: [UInt8]
    public let timings: Timings
    public let error: RequestError?

    public var ok: Bool { error == nil }
    /// Initial metadata (response headers), parsed on each access.
    public var headers: HTTPHeaders { HTTPHeaders.parse(raw: rawHeaders) }
    /// Trailing metadata, parsed on each access.
    public var trailers: HTTPHeaders { HTTPHeaders.parse(raw: rawTrailers) }

    /// Decodes every reply message (server streaming).
    public func decodeAll<M: SwiftProtobuf.Message>(_ type: M.Type = M.self) throws -> [M] {
        try messages.map { try M(serializedBytes: $0) }
    }

    /// Decodes the reply message.
    public func decode<M: SwiftProtobuf.Message>(_ type: M.Type = M.self) throws -> M {
        guard let message else {
            throw RequestError(error?.errorClass ?? .protocolError, "no reply message (\(code.name): \(statusMessage))")
        }
        return try M(serializedBytes: message)
    }
}
