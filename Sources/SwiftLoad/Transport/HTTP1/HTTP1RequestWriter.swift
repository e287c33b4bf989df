/// Serialises a prepared request for the wire: request line, `Host`, the fields the request
/// policy chose, `Content-Length`, body.
enum HTTP1RequestWriter {
    /// Appends `request` to `out`.
    static func write(_ request: PreparedRequest, into out: inout [UInt8]) {
        out.append(contentsOf: request.method.utf8)
        out.append(0x20)
        out.append(contentsOf: request.target.requestTarget.utf8)
        out.append(contentsOf: " HTTP/1.1\r\nHost: ".utf8)
        out.append(contentsOf: request.authority.utf8)
        out.append(contentsOf: crlf)
        for field in request.fields {
            out.append(contentsOf: field.name.utf8)
            out.append(contentsOf: ": ".utf8)
            out.append(contentsOf: field.value.utf8)
            out.append(contentsOf: crlf)
        }
        if request.sendsLength {
            out.append(contentsOf: "Content-Length: ".utf8)
            out.append(contentsOf: String(request.body.count).utf8)
            out.append(contentsOf: crlf)
        }
        out.append(contentsOf: crlf)
        out.append(contentsOf: request.body)
    }

    private static let crlf: [UInt8] = [0x0D, 0x0A]
}
