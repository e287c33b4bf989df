/// A gRPC status code (https://grpc.github.io/grpc/core/md_doc_statuscodes.html).
public struct GRPCStatusCode: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    public static let ok = GRPCStatusCode(rawValue: 0)
    public static let cancelled = GRPCStatusCode(rawValue: 1)
    public static let unknown = GRPCStatusCode(rawValue: 2)
    public static let invalidArgument = GRPCStatusCode(rawValue: 3)
    public static let deadlineExceeded = GRPCStatusCode(rawValue: 4)
    public static let notFound = GRPCStatusCode(rawValue: 5)
    public static let alreadyExists = GRPCStatusCode(rawValue: 6)
    public static let permissionDenied = GRPCStatusCode(rawValue: 7)
    public static let resourceExhausted = GRPCStatusCode(rawValue: 8)
    public static let failedPrecondition = GRPCStatusCode(rawValue: 9)
    public static let aborted = GRPCStatusCode(rawValue: 10)
    public static let outOfRange = GRPCStatusCode(rawValue: 11)
    public static let unimplemented = GRPCStatusCode(rawValue: 12)
    public static let `internal` = GRPCStatusCode(rawValue: 13)
    public static let unavailable = GRPCStatusCode(rawValue: 14)
    public static let dataLoss = GRPCStatusCode(rawValue: 15)
    public static let unauthenticated = GRPCStatusCode(rawValue: 16)

    private static let names = ["OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
                                "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
                                "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS",
                                "UNAUTHENTICATED"]

    /// The code's name as gRPC writes it (`UNAVAILABLE`), or `CODE_N` for codes outside the table.
    public var name: String {
        rawValue >= 0 && rawValue < Self.names.count ? Self.names[rawValue] : "CODE_\(rawValue)"
    }

    public var description: String { name }

    /// A code from its name (`UNAVAILABLE`, any case) or its number (`14`), as thresholds write it.
    public init?(text: String) {
        if let n = Int(text), n >= 0, n < Self.names.count {
            rawValue = n
        } else if let i = Self.names.firstIndex(of: text.uppercased()) {
            rawValue = i
        } else {
            return nil
        }
    }

    /// The code gRPC clients report for an HTTP status when a response is not gRPC at all.
    static func fromHTTPStatus(_ status: Int) -> GRPCStatusCode {
        switch status {
        case 400: return .internal
        case 401: return .unauthenticated
        case 403: return .permissionDenied
        case 404: return .unimplemented
        case 429, 502, 503, 504: return .unavailable
        default: return .unknown
        }
    }
}
