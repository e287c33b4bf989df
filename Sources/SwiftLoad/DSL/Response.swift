import Foundation

/// Where the time of one request went. Phases come from the transport's own timestamps (libcurl's
/// clock for libcurl); `duration` and `serviceTime` from the engine's monotonic clock.
public struct Timings: Sendable, Equatable {
    // Kept as integers: a request records these on the hot path, and Duration arithmetic costs.
    var blockedUs: UInt64 = 0
    var connectingUs: UInt64 = 0
    var tlsUs: UInt64 = 0
    var waitingUs: UInt64 = 0
    var receivingUs: UInt64 = 0
    var durationNs: UInt64 = 0
    var serviceNs: UInt64 = 0

    public init() {}

    /// DNS resolution (zero for IP literals and cached names).
    public var blocked: Duration { .microseconds(Int64(blockedUs)) }
    /// TCP connect (zero on a reused keep-alive connection).
    public var connecting: Duration { .microseconds(Int64(connectingUs)) }
    /// TLS handshake (zero for cleartext and reused connections).
    public var tlsHandshaking: Duration { .microseconds(Int64(tlsUs)) }
    /// From the connection being ready to the first response byte: sending the request plus
    /// the server's think time.
    public var waiting: Duration { .microseconds(Int64(waitingUs)) }
    /// From the first to the last response byte.
    public var receiving: Duration { .microseconds(Int64(receivingUs)) }
    /// From the intended start to the last byte. In open models the intended start of an
    /// iteration's first request is its scheduled start, which corrects for coordinated omission.
    public var duration: Duration { Duration(nanoseconds: durationNs) }
    /// From the moment the request was really started to the last byte, uncorrected.
    public var serviceTime: Duration { Duration(nanoseconds: serviceNs) }
}

/// The outcome of one HTTP request. Transport failures are responses too (status 0 and an
/// `error`), so a failing target shows up as data rather than ending the iteration.
public struct Response: Sendable {
    /// The metrics group this request was counted under.
    public let name: String
    public let url: String
    /// The HTTP status, or 0 when no response arrived.
    public let status: Int
    /// "1.1", "2", or "" when no response arrived.
    public let httpVersion: String
    let rawHeaders: [UInt8]
    /// The kept part of the body (see `BodyRetention`).
    public let body: [UInt8]
    /// Every body byte received, kept or not.
    public let bodySize: Int
    /// True when the body was longer than the retention limit and `body` holds only its start.
    public let bodyTruncated: Bool
    public let timings: Timings
    /// Why the request counts as failed: transport error or unexpected status; nil on success.
    public let error: RequestError?

    init(name: String, url: String, status: Int, httpVersion: String, rawHeaders: [UInt8],
         body: [UInt8], bodySize: Int, bodyTruncated: Bool, timings: Timings, error: RequestError?) {
        self.name = name
        self.url = url
        self.status = status
        self.httpVersion = httpVersion
        self.rawHeaders = rawHeaders
        self.body = body
        self.bodySize = bodySize
        self.bodyTruncated = bodyTruncated
        self.timings = timings
        self.error = error
    }

    /// True when the request did not count as failed.
    public var ok: Bool { error == nil }

    /// The response header fields (parsed on each access).
    public var headers: HTTPHeaders { HTTPHeaders.parse(raw: rawHeaders) }

    /// The body decoded as UTF-8 (invalid bytes are replaced).
    public var text: String { String(decoding: body, as: UTF8.self) }

    /// Decodes the body as JSON.
    public func json<T: Decodable>(_ type: T.Type = T.self, decoder: JSONDecoder = JSONDecoder()) throws -> T {
        if bodyTruncated {
            throw RequestError(.tooLarge, "body of \(bodySize) bytes was cut at \(body.count); pass keepBody: .all to decode it")
        }
        return try decoder.decode(T.self, from: Data(body))
    }
}
