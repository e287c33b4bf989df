import CCurl
#if canImport(Glibc)
import Glibc
#endif

/// A VU's libcurl easy handle, reused for every request the VU makes so its keep-alive
/// connection (held in the worker's multi handle) is reused too.
///
/// One request at a time: `perform` configures the handle, adds it to the multi handle and
/// suspends the VU; `finish` (called by `CurlMulti` on the worker's thread) records the metrics
/// and resumes it with the response.
final class CurlConnection {
    let easy: UnsafeMutableRawPointer
    private unowned let vu: VU
    private unowned let multi: CurlMulti
    private let settings: HTTPSettings
    private let errorBuffer: UnsafeMutablePointer<CChar>

    // The request in flight.
    private var continuation: UnsafeContinuation<Response, any Error>?
    private var inFlight = RequestInFlight()
    private var keepLimit = 0
    private var headerBytes: [UInt8] = []
    private var body: [UInt8] = []
    private var bodySize = 0
    private var truncated = false

    // Handle state kept between requests so unchanged options are not set again.
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private var headerListKey: HeaderListKey?
    private var customMethodSet = false
    private var postBuffer: UnsafeMutableRawPointer
    private var postCapacity = 64
    private var timeoutMs = -1
    /// The MAXREDIRS the handle has, so it is set only when a request needs another.
    private var maxRedirsSet = -1

    private struct HeaderListKey: Equatable {
        var headers: HTTPHeaders
        var contentType: String?
        var hasBody: Bool
    }

    init(vu: VU, multi: CurlMulti, settings: HTTPSettings) {
        guard let e = curl_easy_init() else { fatalError("curl_easy_init failed") }
        easy = e
        self.vu = vu
        self.multi = multi
        self.settings = settings
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer[0] = 0
        postBuffer = .allocate(byteCount: postCapacity, alignment: 16)

        let me = Unmanaged.passUnretained(self).toOpaque()
        _ = sl_easy_setopt_long(e, CURLOPT_NOSIGNAL, 1)
        _ = sl_easy_setopt_ptr(e, CURLOPT_PRIVATE, me)
        _ = sl_easy_setopt_write_cb(e, CURLOPT_WRITEFUNCTION, Self.writeCallback)
        _ = sl_easy_setopt_ptr(e, CURLOPT_WRITEDATA, me)
        _ = sl_easy_setopt_write_cb(e, CURLOPT_HEADERFUNCTION, Self.headerCallback)
        _ = sl_easy_setopt_ptr(e, CURLOPT_HEADERDATA, me)
        _ = sl_easy_setopt_ptr(e, CURLOPT_ERRORBUFFER, errorBuffer)
        _ = sl_easy_setopt_str(e, CURLOPT_USERAGENT, settings.userAgent)
        _ = sl_easy_setopt_long(e, CURLOPT_TCP_NODELAY, 1)
        _ = sl_easy_setopt_long(e, CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_2TLS))
        // Prefer multiplexing on an existing HTTP/2 connection over opening another one.
        _ = sl_easy_setopt_long(e, CURLOPT_PIPEWAIT, 1)
        if settings.maxRedirects > 0 {
            _ = sl_easy_setopt_long(e, CURLOPT_FOLLOWLOCATION, 1)
            _ = sl_easy_setopt_long(e, CURLOPT_MAXREDIRS, settings.maxRedirects)
            maxRedirsSet = settings.maxRedirects
        }
        if settings.insecure {
            _ = sl_easy_setopt_long(e, CURLOPT_SSL_VERIFYPEER, 0)
            _ = sl_easy_setopt_long(e, CURLOPT_SSL_VERIFYHOST, 0)
        }
    }

    deinit {
        errorBuffer.deallocate()
        postBuffer.deallocate()
    }

    // MARK: one request

    nonisolated(nonsending) func perform(_ request: Request, url: String) async throws -> Response {
        try await withUnsafeThrowingContinuation { (c: UnsafeContinuation<Response, any Error>) in
            start(request, url: url, continuation: c)
        }
    }

    private func start(_ request: Request, url: String, continuation c: UnsafeContinuation<Response, any Error>) {
        let e = easy
        keepLimit = (request.keepBody ?? settings.bodyRetention).limit
        headerBytes.removeAll(keepingCapacity: true)
        body = []
        bodySize = 0
        truncated = false
        errorBuffer[0] = 0

        _ = sl_easy_setopt_str(e, CURLOPT_URL, url)
        configureMethod(request.method, body: request.body.bytes)
        configureHeaders(request)
        let timeout = Int((request.timeout ?? settings.requestTimeout).nanoseconds / 1_000_000)
        if timeout != timeoutMs {
            _ = sl_easy_setopt_long(e, CURLOPT_TIMEOUT_MS, max(1, timeout))
            timeoutMs = timeout
        }

        continuation = c
        inFlight = RequestInFlight(request, url: url, vu: vu)
        // A chain the built-in client began may follow only what its limit has left.
        let redirects = inFlight.redirectsLeft ?? settings.maxRedirects
        if settings.maxRedirects > 0 && redirects != maxRedirsSet {
            _ = sl_easy_setopt_long(e, CURLOPT_MAXREDIRS, redirects)
            maxRedirsSet = redirects
        }
        multi.add(self)
    }

    private func configureMethod(_ method: HTTPMethod, body bytes: [UInt8]) {
        let e = easy
        let sendsBody = !bytes.isEmpty || method.expectsBody
        if method == .head {
            _ = sl_easy_setopt_long(e, CURLOPT_NOBODY, 1)
        } else if sendsBody {
            if bytes.count > postCapacity {
                postBuffer.deallocate()
                postCapacity = max(bytes.count, postCapacity * 2)
                postBuffer = .allocate(byteCount: postCapacity, alignment: 16)
            }
            bytes.withUnsafeBytes { src in
                if let base = src.baseAddress { postBuffer.copyMemory(from: base, byteCount: src.count) }
            }
            _ = sl_easy_setopt_long(e, CURLOPT_POST, 1)
            _ = sl_easy_setopt_off(e, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(bytes.count))
            _ = sl_easy_setopt_ptr(e, CURLOPT_POSTFIELDS, postBuffer)
        } else {
            _ = sl_easy_setopt_long(e, CURLOPT_HTTPGET, 1)
        }
        let custom = !(method == .get || method == .head || method == .post)
        if custom {
            _ = sl_easy_setopt_str(e, CURLOPT_CUSTOMREQUEST, method.rawValue)
            customMethodSet = true
        } else if customMethodSet {
            _ = sl_easy_setopt_ptr(e, CURLOPT_CUSTOMREQUEST, nil)
            customMethodSet = false
        }
    }

    private func configureHeaders(_ request: Request) {
        let hasBody = !request.body.bytes.isEmpty
        let key = HeaderListKey(headers: request.headers, contentType: hasBody ? request.body.contentType : nil,
                                hasBody: hasBody)
        if key == headerListKey { return }
        curl_slist_free_all(headerList)
        var list: UnsafeMutablePointer<curl_slist>?
        for field in request.headers {
            // "Name:" would tell curl to drop the header; "Name;" sends it with an empty value.
            list = curl_slist_append(list, field.value.isEmpty ? "\(field.name);" : "\(field.name): \(field.value)")
        }
        if hasBody {
            if let ct = key.contentType, !request.headers.contains("Content-Type") {
                list = curl_slist_append(list, "Content-Type: \(ct)")
            }
            // No "Expect: 100-continue" round trip for large bodies: it would distort timings.
            if !request.headers.contains("Expect") { list = curl_slist_append(list, "Expect:") }
        }
        headerList = list
        headerListKey = key
        _ = sl_easy_setopt_slist(easy, CURLOPT_HTTPHEADER, list)
    }

    // MARK: completion

    /// Called by the multi handle when the transfer ended, successfully or not.
    func finish(_ code: CURLcode) {
        guard let c = continuation else { return }
        continuation = nil
        let end = MonotonicClock.now()
        let e = easy

        var status = 0
        _ = sl_easy_getinfo_long(e, CURLINFO_RESPONSE_CODE, &status)
        var version = 0
        _ = sl_easy_getinfo_long(e, CURLINFO_HTTP_VERSION, &version)
        var dns: curl_off_t = 0, connect: curl_off_t = 0, tls: curl_off_t = 0
        var pretransfer: curl_off_t = 0, firstByte: curl_off_t = 0, total: curl_off_t = 0
        _ = sl_easy_getinfo_off(e, CURLINFO_NAMELOOKUP_TIME_T, &dns)
        _ = sl_easy_getinfo_off(e, CURLINFO_CONNECT_TIME_T, &connect)
        _ = sl_easy_getinfo_off(e, CURLINFO_APPCONNECT_TIME_T, &tls)
        _ = sl_easy_getinfo_off(e, CURLINFO_PRETRANSFER_TIME_T, &pretransfer)
        _ = sl_easy_getinfo_off(e, CURLINFO_STARTTRANSFER_TIME_T, &firstByte)
        _ = sl_easy_getinfo_off(e, CURLINFO_TOTAL_TIME_T, &total)
        var headerSize = 0, requestSize = 0
        var uploaded: curl_off_t = 0
        _ = sl_easy_getinfo_long(e, CURLINFO_HEADER_SIZE, &headerSize)
        _ = sl_easy_getinfo_long(e, CURLINFO_REQUEST_SIZE, &requestSize)
        _ = sl_easy_getinfo_off(e, CURLINFO_SIZE_UPLOAD_T, &uploaded)

        var outcome = TransferOutcome()
        outcome.status = status
        outcome.httpVersion = Self.versionString(version)
        if code != CURLE_OK {
            var osErrno = 0
            _ = sl_easy_getinfo_long(e, CURLINFO_OS_ERRNO, &osErrno)
            let message = errorBuffer[0] != 0 ? String(cString: errorBuffer) : String(cString: curl_easy_strerror(code))
            outcome.error = RequestError(CurlErrorMapping.classify(code, osErrno: osErrno), message)
        }
        // Phases in microseconds from curl's clock; each is the gap between two of its marks.
        outcome.blockedUs = UInt64(max(0, dns))
        outcome.connectingUs = UInt64(max(0, connect - dns))
        outcome.tlsUs = tls > 0 ? UInt64(max(0, tls - connect)) : 0
        outcome.waitingUs = firstByte > 0 ? UInt64(max(0, firstByte - pretransfer)) : 0
        outcome.receivingUs = firstByte > 0 ? UInt64(max(0, total - firstByte)) : 0
        outcome.headerBytes = headerBytes
        outcome.body = body
        outcome.bodySize = bodySize
        outcome.truncated = truncated
        outcome.bytesReceived = headerSize + bodySize
        outcome.bytesSent = requestSize + Int(uploaded)
        body = []
        c.resume(returning: outcome.complete(inFlight, end: end, vu: vu))
    }

    /// Abandons the request in flight, if any: it is counted as interrupted, not as an error.
    func cancel() {
        guard let c = continuation else { return }
        continuation = nil
        multi.remove(self)
        vu.context.recorder.interruptedRequests += 1
        c.resume(throwing: Interrupted())
    }

    /// Releases the handle; the connection is closed with the multi handle.
    func close() {
        cancel()
        curl_easy_cleanup(easy)
        curl_slist_free_all(headerList)
        headerList = nil
    }

    private static func versionString(_ v: Int) -> String {
        switch v {
        case Int(CURL_HTTP_VERSION_1_0): return "1.0"
        case Int(CURL_HTTP_VERSION_1_1): return "1.1"
        case Int(CURL_HTTP_VERSION_2_0): return "2"
        case Int(CURL_HTTP_VERSION_3): return "3"
        default: return ""
        }
    }

    // MARK: callbacks from libcurl

    private func received(_ bytes: UnsafeRawBufferPointer) {
        bodySize += bytes.count
        let room = keepLimit - body.count
        if room >= bytes.count {
            body.append(contentsOf: bytes)
        } else {
            if room > 0 { body.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[0..<room])) }
            truncated = true
        }
    }

    private static let writeCallback: curl_write_callback = { ptr, size, count, userdata in
        let n = size * count
        guard let userdata, let ptr else { return n }
        Unmanaged<CurlConnection>.fromOpaque(userdata).takeUnretainedValue()
            .received(UnsafeRawBufferPointer(start: ptr, count: n))
        return n
    }

    private static let headerCallback: curl_write_callback = { ptr, size, count, userdata in
        let n = size * count
        guard let userdata, let ptr else { return n }
        let me = Unmanaged<CurlConnection>.fromOpaque(userdata).takeUnretainedValue()
        me.headerBytes.append(contentsOf: UnsafeRawBufferPointer(start: ptr, count: n))
        return n
    }
}
