import Foundation

/// A request body: bytes plus the content type to send with them.
public struct Body: Sendable, Equatable {
    public var bytes: [UInt8]
    /// Sent as `Content-Type` unless the request sets that header itself.
    public var contentType: String?

    public init(bytes: [UInt8], contentType: String?) {
        self.bytes = bytes
        self.contentType = contentType
    }

    /// No body.
    public static let empty = Body(bytes: [], contentType: nil)

    public static func bytes(_ bytes: [UInt8], contentType: String? = "application/octet-stream") -> Body {
        Body(bytes: bytes, contentType: contentType)
    }

    public static func string(_ text: String, contentType: String? = "text/plain; charset=utf-8") -> Body {
        Body(bytes: Array(text.utf8), contentType: contentType)
    }

    /// JSON text that is already encoded (the cheapest way to send the same payload many times).
    public static func json(raw text: String) -> Body {
        Body(bytes: Array(text.utf8), contentType: "application/json")
    }

    /// Encodes `value` as JSON. Encoding costs several microseconds: for a payload sent on every
    /// iteration, encode it once outside the iteration and reuse the `Body`.
    public static func json<T: Encodable>(_ value: T, encoder: JSONEncoder = JSONEncoder()) throws -> Body {
        Body(bytes: Array(try encoder.encode(value)), contentType: "application/json")
    }

    /// `application/x-www-form-urlencoded` fields.
    public static func form(_ fields: KeyValuePairs<String, String>) -> Body {
        let text = fields.map { "\(URLEncoding.encode($0.key))=\(URLEncoding.encode($0.value))" }.joined(separator: "&")
        return Body(bytes: Array(text.utf8), contentType: "application/x-www-form-urlencoded")
    }
}

/// Percent-encoding for query strings and forms (RFC 3986 unreserved characters pass through).
enum URLEncoding {
    static func encode(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                 UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(UnicodeScalar(b))
            default:
                let hex = Array("0123456789ABCDEF".utf8)
                out.unicodeScalars.append("%")
                out.unicodeScalars.append(UnicodeScalar(hex[Int(b >> 4)]))
                out.unicodeScalars.append(UnicodeScalar(hex[Int(b & 0xF)]))
            }
        }
        return out
    }
}
