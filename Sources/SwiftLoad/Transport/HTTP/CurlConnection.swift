import CCurl
#if canImport(Glibc)
import Glibc
#endif

/// A VU's libcurl transport: one easy handle, reused for every request the VU makes so its
/// keep-alive connection (held in the worker's multi handle) is reused too. libcurl negotiates
/// HTTP/2 over TLS by ALPN. Redirects, content decoding and name resolution are the request
/// policy's: libcurl follows no redirect, decodes nothing, and is handed the resolved address
/// (`CURLOPT_RESOLVE`).
///
/// One request at a time: `exchange` configures the handle, adds it to the multi handle and
/// suspends the VU; `finish` (called by `CurlMulti` on the worker's thread) resumes it.
///
/// Lifetime: the handle and every buffer libcurl points into (error buffer, request body,
/// header and resolve lists) belong to this object and are released in `deinit`, after the
/// handle has left the multi handle, which this object keeps alive.
final class CurlConnection: RequestTransport {
    let easy: UnsafeMutableRawPointer
    private let multi: CurlMulti
    private let settings: HTTPSettings
    private let errorBuffer: UnsafeMutablePointer<CChar>
    /// Whether the handle is in the multi handle now.
    private var added = false

    // The request in flight.
    private var continuation: UnsafeContinuation<TransferOutcome, any Error>?
    private var keepLimit = 0
    private var headerBytes: [UInt8] = []
    private var body: [UInt8] = []
    private var bodySize = 0
    private var truncated = false
    private var observer: BodyObserver?

    // Handle state kept between requests so unchanged options are not set again.
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private var headerListKey: HeaderListKey?
    private var resolveList: UnsafeMutablePointer<curl_slist>?
    private var resolved: Set<String> = []
    private var customMethodSet = false
    private var postBuffer: UnsafeMutableRawPointer
    private var postCapacity = 64
    /// The request's body size given to libcurl (`CURLOPT_POSTFIELDS`), and whether its header
    /// list asks for 100 Continue: together they say whether libcurl sent the body in the same
    /// buffer as the request head (see `finish`).
    private var postedBytes = 0
    private var expectsContinue = false
    private var timeoutMs = -1

    private struct HeaderListKey: Equatable {
        var fields: [PreparedRequest.Field]
        var host: String?
        var hasBody: Bool
    }

    init(multi: CurlMulti, settings: HTTPSettings) {
        guard let e = curl_easy_init() else { fatalError("curl_easy_init failed") }
        easy = e
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
        _ = sl_easy_setopt_long(e, CURLOPT_TCP_NODELAY, 1)
        _ = sl_easy_setopt_long(e, CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_2TLS))
        // Prefer multiplexing on an existing HTTP/2 connection over opening another one.
        _ = sl_easy_setopt_long(e, CURLOPT_PIPEWAIT, 1)
        if settings.insecure {
            _ = sl_easy_setopt_long(e, CURLOPT_SSL_VERIFYPEER, 0)
            _ = sl_easy_setopt_long(e, CURLOPT_SSL_VERIFYHOST, 0)
        }
    }

    deinit {
        if added { multi.remove(self) }
        curl_easy_cleanup(easy)
        curl_slist_free_all(headerList)
        curl_slist_free_all(resolveList)
        errorBuffer.deallocate()
        postBuffer.deallocate()
    }

    // MARK: one request

    nonisolated(nonsending) func exchange(_ request: PreparedRequest) async throws -> TransferOutcome {
        // Already on the worker: no switch before suspending (see HTTP1Connection.exchange).
        try await _unsafeInheritExecutor_withUnsafeThrowingContinuation { (c: UnsafeContinuation<TransferOutcome, any Error>) in
            start(request, continuation: c)
        }
    }

    private func start(_ request: PreparedRequest, continuation c: UnsafeContinuation<TransferOutcome, any Error>) {
        let e = easy
        keepLimit = request.keepLimit
        observer = request.bodyObserver
        headerBytes.removeAll(keepingCapacity: true)
        body = []
        bodySize = 0
        truncated = false
        errorBuffer[0] = 0

        _ = sl_easy_setopt_str(e, CURLOPT_URL, request.url)
        configureResolve(request)
        configureMethod(request)
        configureHeaders(request)
        let timeout = Int(request.timeoutNs / 1_000_000)
        if timeout != timeoutMs {
            _ = sl_easy_setopt_long(e, CURLOPT_TIMEOUT_MS, max(1, timeout))
            timeoutMs = timeout
        }
        continuation = c
        added = true
        multi.add(self)
    }

    /// Tells libcurl where a host name resolved (the request policy resolved it once, off the
    /// worker's loop), so libcurl does no lookup of its own.
    private func configureResolve(_ request: PreparedRequest) {
        let t = request.target
        let key = "\(t.host):\(t.port)"
        guard !resolved.contains(key) else { return }
        resolved.insert(key)
        guard let text = request.address.numericHost, text != t.host else { return }   // a literal
        let entry = text.contains(":") ? "\(key):[\(text)]" : "\(key):\(text)"
        resolveList = curl_slist_append(resolveList, entry)
        _ = sl_easy_setopt_slist(easy, CURLOPT_RESOLVE, resolveList)
    }

    private func configureMethod(_ request: PreparedRequest) {
        let e = easy
        let bytes = request.body
        let method = request.method
        postedBytes = 0
        if request.isHead {
            _ = sl_easy_setopt_long(e, CURLOPT_NOBODY, 1)
        } else if request.sendsLength {
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
            postedBytes = bytes.count
        } else {
            _ = sl_easy_setopt_long(e, CURLOPT_HTTPGET, 1)
        }
        let custom = !(method == "GET" || method == "HEAD" || method == "POST")
        if custom {
            _ = sl_easy_setopt_str(e, CURLOPT_CUSTOMREQUEST, method)
            customMethodSet = true
        } else if customMethodSet {
            _ = sl_easy_setopt_ptr(e, CURLOPT_CUSTOMREQUEST, nil)
            customMethodSet = false
        }
    }

    private func configureHeaders(_ request: PreparedRequest) {
        let hasBody = !request.body.isEmpty
        let host = request.authority == request.target.hostHeader ? nil : request.authority
        let key = HeaderListKey(fields: request.fields, host: host, hasBody: hasBody)
        if key == headerListKey { return }
        curl_slist_free_all(headerList)
        var list: UnsafeMutablePointer<curl_slist>?
        if let host { list = curl_slist_append(list, "Host: \(host)") }
        var hasExpect = false
        expectsContinue = false
        for field in request.fields {
            // "Name:" would tell curl to drop the header; "Name;" sends it with an empty value.
            list = curl_slist_append(list, field.value.isEmpty ? "\(field.name);" : "\(field.name): \(field.value)")
            if HTTPHeaders.sameName(field.name, "Expect") {
                hasExpect = true
                if field.value.lowercased().contains("100-continue") { expectsContinue = true }
            }
        }
        // No "Expect: 100-continue" round trip for large bodies: it would distort timings.
        if hasBody && !hasExpect { list = curl_slist_append(list, "Expect:") }
        headerList = list
        headerListKey = key
        _ = sl_easy_setopt_slist(easy, CURLOPT_HTTPHEADER, list)
    }

    // MARK: completion

    /// Called by the multi handle when the transfer ended, successfully or not.
    func finish(_ code: CURLcode) {
        added = false
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
        outcome.endedAt = end
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
        // libcurl sends a body under 64 KiB in the same buffer as the request head over HTTP/1.x
        // (MAX_INITIAL_POST_SIZE, unless the request waits for 100 Continue) and then counts it
        // twice: in REQUEST_SIZE and in SIZE_UPLOAD. DataCountTests holds the sum to what crossed
        // the wire. (Should the first send be cut short, the head's remainder counts as upload
        // and this is short by it.)
        let inHead = postedBytes < Self.largestBodyInHead && !expectsContinue && version != Int(CURL_HTTP_VERSION_2_0)
        let twice = inHead ? min(postedBytes, Int(uploaded)) : 0
        outcome.bytesSent = requestSize + Int(uploaded) - twice
        body = []
        c.resume(returning: outcome)
    }

    /// Abandons the request in flight, if any: it is counted as interrupted, not as an error.
    func cancel() {
        guard let c = continuation else { return }
        continuation = nil
        if added {
            multi.remove(self)
            added = false
        }
        c.resume(throwing: Interrupted())
    }

    /// Abandons the request in flight; the handle itself goes with this object (`deinit`).
    func close() {
        cancel()
    }

    /// libcurl's MAX_INITIAL_POST_SIZE.
    private static let largestBodyInHead = 64 * 1024

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
        if let observer {
            var status = 0
            _ = sl_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
            observer.received(status, bytes)
        }
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
