import SwiftProtobuf

/// The gRPC client of one VU (`vu.grpc`): unary, server-streaming, client-streaming and
/// bidirectional calls over HTTP/2, sharing the worker's connections to each target. Every call returns a `GRPCResponse`, also when it failed; calls
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
    @discardableResult
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

    /// Calls a server-streaming method: the reply's `messages` holds every message,
    /// `messageArrivals` when each arrived; metrics time the whole call (`grpc_req_duration`'s
    /// `http_req_duration`) and its messages (`stream_first_message`, `stream_message_gap`).
    @discardableResult
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
        return try await GRPCCall.call(vu: vu, target: target, method: method, messages: [bytes], metadata: metadata,
                                       deadline: deadline, name: name, streaming: true)
    }

    /// Calls a server-streaming method with a request message already serialised.
    @discardableResult
    public func serverStreaming(_ target: String, _ method: String, bytes: [UInt8], metadata: HTTPHeaders = [:],
                                deadline: Duration? = nil, name: String? = nil) async throws -> GRPCResponse {
        try vu.checkRunning()
        return try await GRPCCall.call(vu: vu, target: target, method: method, messages: [bytes], metadata: metadata,
                                       deadline: deadline, name: name, streaming: true)
    }

    /// Calls a client-streaming method: sends `requests` on one stream, one every `interval`
    /// (the first at once; all together without one), and reads its one reply.
    @discardableResult
    public func clientStreaming<Message: SwiftProtobuf.Message>(
        _ target: String, _ method: String, _ requests: [Message], interval: Duration? = nil,
        metadata: HTTPHeaders = [:], deadline: Duration? = nil, name: String? = nil
    ) async throws -> GRPCResponse {
        try await streamingCall(target, method, requests, interval: interval, metadata: metadata, deadline: deadline,
                                name: name, replies: .one)
    }

    /// Calls a bidirectional-streaming method: sends `requests` one every `interval` (the first
    /// at once; all together without one) while replies arrive; the reply's `messages` holds
    /// every reply and `messageArrivals` when each came, recorded as the call's
    /// `stream_first_message` and `stream_message_gap`.
    @discardableResult
    public func bidiStreaming<Message: SwiftProtobuf.Message>(
        _ target: String, _ method: String, _ requests: [Message], interval: Duration? = nil,
        metadata: HTTPHeaders = [:], deadline: Duration? = nil, name: String? = nil
    ) async throws -> GRPCResponse {
        try await streamingCall(target, method, requests, interval: interval, metadata: metadata, deadline: deadline,
                                name: name, replies: .many)
    }

    /// Client or bidirectional streaming with request messages already serialised.
    @discardableResult
    public func streaming(_ target: String, _ method: String, bytes: [[UInt8]], interval: Duration? = nil,
                          metadata: HTTPHeaders = [:], deadline: Duration? = nil, name: String? = nil,
                          replies: Replies) async throws -> GRPCResponse {
        try vu.checkRunning()
        if let interval, interval < .zero || interval > Limits.maxRequestTimeout {
            return GRPCCall.failedLocally(vu: vu, method: method, name: name, target: target,
                                          RequestError(.grpc(.invalidArgument), "interval must be between 0 and 24 h"))
        }
        return try await GRPCCall.call(vu: vu, target: target, method: method, messages: bytes, interval: interval,
                                       metadata: metadata, deadline: deadline, name: name, streaming: replies == .many)
    }

    /// How many reply messages a streaming call expects.
    public enum Replies: Sendable { case one, many }

    private func streamingCall<Message: SwiftProtobuf.Message>(
        _ target: String, _ method: String, _ requests: [Message], interval: Duration?, metadata: HTTPHeaders,
        deadline: Duration?, name: String?, replies: Replies
    ) async throws -> GRPCResponse {
        try vu.checkRunning()
        let bytes: [[UInt8]]
        do {
            bytes = try requests.map { try $0.serializedBytes() }
        } catch {
            return GRPCCall.failedLocally(vu: vu, method: method, name: name, target: target,
                                          RequestError(.grpc(.internal), "cannot serialise a request: \(error)"))
        }
        return try await streaming(target, method, bytes: bytes, interval: interval, metadata: metadata, deadline: deadline,
                                   name: name, replies: replies)
    }

    /// Calls a unary method with a request message already serialised.
    @discardableResult
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
    /// The reply messages' bytes: one for a unary or client-streaming call that succeeded, any
    /// number for a server-streaming or bidirectional call, none for a failed call.
    public let messages: [[UInt8]]
    /// The (first) reply message's bytes, when one arrived.
    public var message: [UInt8]? { messages.first }
    /// Server streaming: from the intended start to the first whole message.
    public let timeToFirstMessage: Duration?
    /// Server-streaming and bidirectional calls: when each reply message arrived, from the
    /// intended start (messages that came in one read share one).
    public let messageArrivals: [Duration]
    /// The gaps between consecutive reply messages.
    public var gaps: [Duration] { zip(messageArrivals.dropFirst(), messageArrivals).map { $0 - $1 } }
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
