/// One gRPC call of any kind: the request stream on the wire (one message, or several, paced or
/// at once), and the reply read back into a status, messages and metadata, following the gRPC
/// over HTTP/2 specification.
enum GRPCCall {
    nonisolated(nonsending) static func unary(vu: VU, target: String, method: String, message: [UInt8],
                                              metadata: HTTPHeaders, deadline: Duration?,
                                              name: String?) async throws -> GRPCResponse {
        try await call(vu: vu, target: target, method: method, messages: [message], metadata: metadata,
                       deadline: deadline, name: name, streaming: false)
    }

    /// A call of `messages` (one for unary and server streaming; any number, sent one every
    /// `interval` or all at once, for client and bidirectional streaming). `streaming`: the reply
    /// may hold any number of messages, every one is kept and stamped with its arrival, and the
    /// call records `stream_messages`, `stream_first_message` and `stream_message_gap`.
    nonisolated(nonsending) static func call(vu: VU, target: String, method: String, messages: [[UInt8]],
                                             interval: Duration? = nil, metadata: HTTPHeaders, deadline: Duration?,
                                             name: String?, streaming: Bool) async throws -> GRPCResponse {
        let pipeline = vu.pipeline
        let url = httpURL(target)
        let recording = pipeline.start(name: name ?? method, tags: [:], url: url + method, expected: 0...399)
        guard let endpoint = pipeline.target(url), method.hasPrefix("/") else {
            var o = TransferOutcome.failed(RequestError(.protocolError, "bad gRPC target or method: \(target) \(method)"))
            o.grpcStatus = .invalidArgument
            return response(o, recording, method: method, pipeline: pipeline, stream: nil)
        }
        pipeline.noteTarget(url, grpc: true)
        if let problem = HeaderPolicy.problem(in: metadata) {
            var o = TransferOutcome.failed(problem)
            o.grpcStatus = .internal
            return response(o, recording, method: method, pipeline: pipeline, stream: nil)
        }
        let settings = vu.context.http
        let address: SocketAddress
        var blockedNs: UInt64 = 0
        switch await pipeline.resolve(endpoint) {
        case .failure(let error):
            var o = TransferOutcome.failed(error)
            o.grpcStatus = .unavailable
            return response(o, recording, method: method, pipeline: pipeline, stream: nil)
        case .success(let (a, ns)):
            address = a
            blockedNs = ns
        }
        let timeoutText = deadline.map(GRPCFraming.timeoutHeader)
        let block = pipeline.grpcHeaderBlock(url: recording.url, metadata: metadata, timeout: timeoutText) {
            var fields: [(String, String)] = [("content-type", "application/grpc"), ("te", "trailers"),
                                              ("user-agent", "grpc-swiftload/\(SwiftLoadVersion.current)")]
            if let timeoutText { fields.append(("grpc-timeout", timeoutText)) }
            for f in metadata { fields.append((HeaderPolicy.lowerASCII(f.name), f.value)) }
            return H2HeaderBlock(method: "POST", scheme: endpoint.scheme, authority: endpoint.hostHeader,
                                 path: method, fields: fields)
        }
        var h2: H2Stream.Request
        if messages.count == 1 {
            h2 = H2Stream.Request(headers: block, body: GRPCFraming.frame(messages[0]))
        } else {
            h2 = H2Stream.Request(headers: block, body: [])
            for m in messages {
                h2.body += GRPCFraming.frame(m)
                h2.messageEnds.append(h2.body.count)
            }
            h2.intervalNs = interval?.nanoseconds ?? 0
        }
        let limit = settings.grpcMaxMessageSize
        let stream = try await pipeline.sendGRPC(
            h2, target: endpoint, address: address, keepLimit: streaming ? Int.max : limit + 5, messageLimit: limit,
            timeoutNs: deadline?.nanoseconds ?? settings.requestTimeoutNs, tracksMessages: streaming)
        var o = TransferOutcome(stream)
        o.blockedUs += blockedNs / 1000
        let replies = interpret(&o, stream: stream, deadline: deadline != nil, limit: limit, streaming: streaming)
        return response(o, recording, method: method, pipeline: pipeline, stream: stream, replies: replies)
    }

    /// `host:port` and `grpc://` are cleartext, `grpcs://` is TLS; http(s) URLs pass through.
    static func httpURL(_ target: String) -> String {
        var t = target
        while t.hasSuffix("/") { t.removeLast() }
        let lower = t.lowercased()
        if lower.hasPrefix("grpcs://") { return "https://" + t.dropFirst(8) }
        if lower.hasPrefix("grpc://") { return "http://" + t.dropFirst(7) }
        if lower.hasPrefix("http://") || lower.hasPrefix("https://") { return t }
        return "http://" + t
    }

    /// Reads status and message out of the stream, setting `o.error` and `o.grpcStatus`;
    /// returns the reply message of a call that succeeded.
    static func interpret(_ o: inout TransferOutcome, stream s: H2Stream, deadline: Bool, limit: Int,
                          streaming: Bool = false) -> [[UInt8]]? {
        if let error = o.error {
            // A transport failure: the status a gRPC client would report for it.
            let code: GRPCStatusCode
            switch error.errorClass {
            case .timeout: code = deadline ? .deadlineExceeded : .unavailable
            case .connectionRefused, .connectionReset, .connectionClosed, .dns, .tls: code = .unavailable
            default:
                code = error.errorClass.rawValue.hasPrefix("grpc_") ? grpcCode(error.errorClass) : .internal
            }
            o.grpcStatus = code
            if code == .deadlineExceeded { o.error = RequestError(.grpc(.deadlineExceeded), error.message) }
            return nil
        }
        guard s.status == 200 else {
            let code = GRPCStatusCode.fromHTTPStatus(s.status)
            o.grpcStatus = code
            o.error = RequestError(.grpc(code), "HTTP \(s.status) instead of a gRPC response")
            return nil
        }
        let contentType = s.header("content-type") ?? ""
        guard contentType.hasPrefix("application/grpc") else {
            o.grpcStatus = .unknown
            o.error = RequestError(.protocolError, "response content-type is \"\(contentType)\", not application/grpc")
            return nil
        }
        // Trailers-only replies carry the status in the headers.
        guard let statusText = s.trailer("grpc-status") ?? s.header("grpc-status"), let raw = Int(statusText) else {
            o.grpcStatus = .unknown
            o.error = RequestError(.grpc(.unknown), "the response ended without grpc-status")
            return nil
        }
        let code = GRPCStatusCode(rawValue: raw)
        o.grpcStatus = code
        if code != .ok {
            let message = PercentDecoding.decoded(s.trailer("grpc-message") ?? s.header("grpc-message") ?? "")
            o.error = RequestError(.grpc(code), message.isEmpty ? code.name : message)
            return nil
        }
        do {
            if streaming { return try GRPCFraming.messages(s.body, limit: limit) }
            return try GRPCFraming.unaryMessage(s.body, limit: limit).map { [$0] } ?? []
        } catch {
            o.grpcStatus = .internal
            switch error {
            case .truncated(let expected, let got):
                o.error = RequestError(.protocolError, "truncated gRPC message: \(got) of \(expected) bytes")
            case .compressedWithoutEncoding:
                o.error = RequestError(.protocolError, "compressed gRPC message, but no compression was negotiated")
            case .tooLarge(let size, let max):
                o.grpcStatus = .resourceExhausted
                o.error = RequestError(.grpc(.resourceExhausted), "received message larger than max (\(size) vs. \(max))")
            case .trailingBytes(let n):
                o.error = RequestError(.protocolError, "\(n) bytes after the message of a unary reply")
            }
            return nil
        }
    }

    private static func grpcCode(_ c: ErrorClass) -> GRPCStatusCode {
        for raw in 0...16 where ErrorClass.grpc(GRPCStatusCode(rawValue: raw)) == c { return GRPCStatusCode(rawValue: raw) }
        return .unknown
    }

    private static func response(_ o: TransferOutcome, _ recording: RequestRecording, method: String,
                                 pipeline: RequestPipeline, stream: H2Stream?, replies: [[UInt8]]? = nil) -> GRPCResponse {
        let arrivals = stream.flatMap { $0.tracksMessages ? $0.messageArrivals : nil }
        let (timings, error) = pipeline.record(o, recording, messageArrivals: o.error == nil ? arrivals : nil)
        let statusMessage: String
        if error == nil {
            statusMessage = ""
        } else {
            statusMessage = stream.flatMap { $0.trailer("grpc-message") ?? $0.header("grpc-message") }.map { PercentDecoding.decoded($0) }
                ?? error?.message ?? ""
        }
        return GRPCResponse(
            name: recording.name, method: method, code: o.grpcStatus ?? .unknown, statusMessage: statusMessage,
            messages: error == nil ? replies ?? [] : [],
            timeToFirstMessage: stream.flatMap { $0.firstMessageAt > 0 ? Duration(nanoseconds: $0.firstMessageAt &- recording.intendedStart) : nil },
            messageArrivals: error == nil ? (arrivals ?? []).map { Duration(nanoseconds: $0 &- min($0, recording.intendedStart)) } : [],
            rawHeaders: stream?.rawHeaders ?? [], rawTrailers: stream?.rawTrailers ?? [], timings: timings,
            error: error)
    }

    static func failedLocally(vu: VU, method: String, name: String?, target: String, _ error: RequestError) -> GRPCResponse {
        let pipeline = vu.pipeline
        let recording = pipeline.start(name: name ?? method, tags: [:], url: httpURL(target) + method, expected: 0...399)
        var o = TransferOutcome.failed(error)
        o.grpcStatus = .internal
        return response(o, recording, method: method, pipeline: pipeline, stream: nil)
    }
}
