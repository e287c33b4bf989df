/// A request as every transport receives it: the rules above the transports (header defaults
/// and checks, body retention, the time left, the resolved address) already applied, so a
/// transport only puts it on the wire and reads the answer. No DSL type crosses this line.
struct PreparedRequest {
    /// One header field, as it is sent (the name as the script spelled it).
    struct Field: Equatable {
        var name: String
        var value: String
    }

    /// Identifies this exact method, URL, fields and body: a transport that serialised the same
    /// serial last time may send those bytes again.
    var serial: UInt64
    var method: String
    var isHead: Bool
    /// POST, PUT and PATCH send `Content-Length` even with an empty body.
    var sendsLength: Bool
    var url: String
    var target: HTTPTarget
    /// The HTTP/1.1 `Host` / HTTP/2 `:authority`: the URL's, or the `Host` field the script set.
    var authority: String
    /// Every field to send, defaults included; never `Host`, `Content-Length` or
    /// `Transfer-Encoding` (each transport frames the request itself).
    var fields: [Field]
    var body: [UInt8]
    /// Where `target` resolved to (the request policy resolves names off the worker's loop).
    var address: SocketAddress
    /// Body bytes to keep (every byte is counted).
    var keepLimit: Int
    /// Time left for this exchange; past it the transport fails it as a timeout.
    var timeoutNs: UInt64
    /// Streaming requests: sees the body as it arrives.
    var bodyObserver: BodyObserver? = nil

}
