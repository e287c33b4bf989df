/// Serialises a request for the wire: request line, headers, body.
enum HTTP1RequestWriter {
    /// Appends `request` to `out`. Fails when a header would break the framing (a line break in
    /// a name or value is a header-injection attempt, not something to send).
    static func write(_ request: Request, target: HTTPTarget, userAgent: String,
                      into out: inout [UInt8]) -> RequestError? {
        let body = request.body.bytes
        let sendsLength = !body.isEmpty || request.method.expectsBody
        out.append(contentsOf: request.method.rawValue.utf8)
        out.append(0x20)
        out.append(contentsOf: target.requestTarget.utf8)
        out.append(contentsOf: " HTTP/1.1\r\nHost: ".utf8)
        out.append(contentsOf: target.hostHeader.utf8)
        out.append(contentsOf: crlf)
        var hasUserAgent = false, hasAccept = false, hasContentType = false
        for field in request.headers {
            if isUnsafe(field.name) || isUnsafe(field.value) {
                return RequestError(.protocolError, "header \(field.name.debugDescription) contains a line break")
            }
            let lower = field.name.lowercased()
            switch lower {
            case "host", "content-length", "transfer-encoding": continue   // framing is ours
            case "user-agent": hasUserAgent = true
            case "accept": hasAccept = true
            case "content-type": hasContentType = true
            default: break
            }
            out.append(contentsOf: field.name.utf8)
            out.append(contentsOf: ": ".utf8)
            out.append(contentsOf: field.value.utf8)
            out.append(contentsOf: crlf)
        }
        if !hasUserAgent {
            out.append(contentsOf: "User-Agent: ".utf8)
            out.append(contentsOf: userAgent.utf8)
            out.append(contentsOf: crlf)
        }
        if !hasAccept { out.append(contentsOf: "Accept: */*\r\n".utf8) }
        if !body.isEmpty, !hasContentType, let ct = request.body.contentType {
            out.append(contentsOf: "Content-Type: ".utf8)
            out.append(contentsOf: ct.utf8)
            out.append(contentsOf: crlf)
        }
        if sendsLength {
            out.append(contentsOf: "Content-Length: ".utf8)
            out.append(contentsOf: String(body.count).utf8)
            out.append(contentsOf: crlf)
        }
        out.append(contentsOf: crlf)
        out.append(contentsOf: body)
        return nil
    }

    private static let crlf: [UInt8] = [0x0D, 0x0A]

    private static func isUnsafe(_ s: String) -> Bool {
        s.utf8.contains { $0 == 0x0D || $0 == 0x0A || $0 == 0 }
    }
}
