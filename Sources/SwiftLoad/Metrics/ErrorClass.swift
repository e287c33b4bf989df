/// Why a request failed, as the report groups it.
///
/// The raw values are the stable class names used in the JSON result and in threshold filters.
public enum ErrorClass: String, Codable, Sendable, CaseIterable, Comparable {
    /// The server answered with a status the scenario does not expect (by default any ≥ 400).
    case httpStatus = "http_status"
    case timeout = "timeout"
    case connectionRefused = "connection_refused"
    case connectionReset = "connection_reset"
    /// The server closed the connection before the response was complete (or sent nothing).
    case connectionClosed = "connection_closed"
    case dns = "dns"
    case tls = "tls"
    /// The peer broke the protocol: malformed response, bad framing, wrong content type.
    case protocolError = "protocol"
    /// The response exceeded a configured size limit.
    case tooLarge = "too_large"
    case other = "other"

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
        }
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
