/// Why a request failed, as the report groups it.
///
/// The raw values are the stable class names used in the JSON result and in threshold filters:
/// a fixed set for transport failures, and one class per gRPC status code (`grpc_unavailable`).
public struct ErrorClass: RawRepresentable, Codable, Sendable, Hashable, Comparable {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    /// The server answered with a status the scenario does not expect (by default any ≥ 400).
    public static let httpStatus = ErrorClass(rawValue: "http_status")
    public static let timeout = ErrorClass(rawValue: "timeout")
    public static let connectionRefused = ErrorClass(rawValue: "connection_refused")
    public static let connectionReset = ErrorClass(rawValue: "connection_reset")
    /// The server closed the connection before the response was complete (or sent nothing).
    public static let connectionClosed = ErrorClass(rawValue: "connection_closed")
    public static let dns = ErrorClass(rawValue: "dns")
    public static let tls = ErrorClass(rawValue: "tls")
    /// The peer broke the protocol: malformed response, bad framing, wrong content type.
    public static let protocolError = ErrorClass(rawValue: "protocol")
    /// The response exceeded a configured size limit.
    public static let tooLarge = ErrorClass(rawValue: "too_large")
    public static let other = ErrorClass(rawValue: "other")

    /// A gRPC call that ended with a non-OK status.
    public static func grpc(_ code: GRPCStatusCode) -> ErrorClass {
        ErrorClass(rawValue: "grpc_" + code.name.lowercased())
    }

    public static func < (a: ErrorClass, b: ErrorClass) -> Bool { a.rawValue < b.rawValue }

    /// A short human label for tables.
    public var label: String {
        switch self {
        case .httpStatus: return "HTTP status"
        case .timeout: return "timeout"
        case .connectionRefused: return "connection refused"
        case .connectionReset: return "connection reset"
        case .connectionClosed: return "connection closed"
        case .dns: return "DNS"
        case .tls: return "TLS"
        case .protocolError: return "protocol error"
        case .tooLarge: return "too large"
        case .other: return "other"
        default:
            if rawValue.hasPrefix("grpc_") { return "gRPC " + rawValue.dropFirst(5).uppercased() }
            return rawValue
        }
    }

    // Codable as the bare string.
    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }
}

/// A count of failures of one class, with the first message seen as a sample.
public struct ErrorTally: Codable, Sendable, Equatable {
    public var count: Int
    public var sample: String

    mutating func merge(_ other: ErrorTally) {
        count += other.count
        if sample.isEmpty { sample = other.sample }
    }
}
