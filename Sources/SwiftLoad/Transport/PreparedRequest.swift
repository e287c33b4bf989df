/// A request as every transport receives it: the rules above the transports (header defaults
/// and checks, body retention, the time left, the resolved address) already applied, so a
/// transport only puts it on the wire and reads the answer. No DSL type crosses this line.
struct PreparedRequest {
    /// One header field, as it is sent (the name as the script spelled it).
    struct Field: Equatable {
        var name: String
        var value: String
    }

    /// What stays the same each time the same request is sent, in one shared box: the
    /// pipeline's one-entry cache hands it to every send, and a copy of a prepared request is
    /// then one reference count instead of one per string and array.
    final class Wire {
        let serial: UInt64
        let method: String
        let isHead: Bool
        let sendsLength: Bool
        let url: String
        let target: HTTPTarget
        let authority: String
        let fields: [Field]
        let body: [UInt8]
        let address: SocketAddress

        init(serial: UInt64, method: String, isHead: Bool, sendsLength: Bool, url: String, target: HTTPTarget,
             authority: String, fields: [Field], body: [UInt8], address: SocketAddress) {
            self.serial = serial
            self.method = method
            self.isHead = isHead
            self.sendsLength = sendsLength
            self.url = url
            self.target = target
            self.authority = authority
            self.fields = fields
            self.body = body
            self.address = address
        }
    }

    let wire: Wire

    /// Identifies this exact method, URL, fields and body: a transport that serialised the same
    /// serial last time may send those bytes again.
    var serial: UInt64 { wire.serial }
    var method: String { wire.method }
    var isHead: Bool { wire.isHead }
    /// POST, PUT and PATCH send `Content-Length` even with an empty body.
    var sendsLength: Bool { wire.sendsLength }
    var url: String { wire.url }
    var target: HTTPTarget { wire.target }
    /// The HTTP/1.1 `Host` / HTTP/2 `:authority`: the URL's, or the `Host` field the script set.
    var authority: String { wire.authority }
    /// Every field to send, defaults included; never `Host`, `Content-Length` or
    /// `Transfer-Encoding` (each transport frames the request itself).
    var fields: [Field] { wire.fields }
    var body: [UInt8] { wire.body }
    /// Where `target` resolved to (the request policy resolves names off the worker's loop).
    var address: SocketAddress { wire.address }

    // Set for each send.
    /// Body bytes to keep (every byte is counted).
    var keepLimit: Int
    /// Time left for this exchange; past it the transport fails it as a timeout.
    var timeoutNs: UInt64
    /// Streaming requests: sees the body as it arrives.
    var bodyObserver: BodyObserver? = nil

    init(serial: UInt64, method: String, isHead: Bool, sendsLength: Bool, url: String, target: HTTPTarget,
         authority: String, fields: [Field], body: [UInt8], address: SocketAddress, keepLimit: Int, timeoutNs: UInt64) {
        wire = Wire(serial: serial, method: method, isHead: isHead, sendsLength: sendsLength, url: url, target: target,
                    authority: authority, fields: fields, body: body, address: address)
        self.keepLimit = keepLimit
        self.timeoutNs = timeoutNs
    }
}
