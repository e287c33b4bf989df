import CCurl

/// One blocking GET of a metrics endpoint through a libcurl easy handle, on the scraper's own
/// thread (never a worker's). libcurl is already linked for `transport: .libcurl`; the scraper
/// needs none of the engine's machinery, only a bounded request with a timeout.
enum MetricsFetch {
    /// An exposition larger than this is refused (a misconfigured URL, not a metrics page).
    static let maxBytes = 32 << 20

    /// The body of a 200 answer, or why there is none.
    static func get(_ url: String, timeoutMilliseconds: Int) -> Result<[UInt8], FetchError> {
        guard let easy = curl_easy_init() else { return .failure(FetchError("curl_easy_init failed")) }
        defer { curl_easy_cleanup(easy) }
        let sink = Sink()
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE))
        defer { errorBuffer.deallocate() }
        errorBuffer[0] = 0
        var headers: UnsafeMutablePointer<curl_slist>? = nil
        // Prometheus' own Accept header: the text format, which every exporter serves.
        headers = curl_slist_append(headers, "Accept: text/plain;version=0.0.4;q=0.9,*/*;q=0.1")
        defer { curl_slist_free_all(headers) }
        let box = Unmanaged.passUnretained(sink).toOpaque()
        _ = url.withCString { sl_easy_setopt_str(easy, CURLOPT_URL, $0) }
        _ = sl_easy_setopt_long(easy, CURLOPT_NOSIGNAL, 1)
        _ = sl_easy_setopt_long(easy, CURLOPT_TIMEOUT_MS, timeoutMilliseconds)
        _ = sl_easy_setopt_long(easy, CURLOPT_FOLLOWLOCATION, 1)
        _ = sl_easy_setopt_long(easy, CURLOPT_MAXREDIRS, 3)
        _ = sl_easy_setopt_str(easy, CURLOPT_ACCEPT_ENCODING, "")
        _ = sl_easy_setopt_str(easy, CURLOPT_PROTOCOLS_STR, "http,https")
        _ = sl_easy_setopt_slist(easy, CURLOPT_HTTPHEADER, headers)
        _ = sl_easy_setopt_ptr(easy, CURLOPT_ERRORBUFFER, errorBuffer)
        _ = sl_easy_setopt_write_cb(easy, CURLOPT_WRITEFUNCTION) { data, size, count, user in
            let sink = Unmanaged<Sink>.fromOpaque(user!).takeUnretainedValue()
            let n = size * count
            if sink.bytes.count + n > MetricsFetch.maxBytes { sink.tooLarge = true; return 0 }
            if let data { sink.bytes.append(contentsOf: UnsafeRawBufferPointer(start: data, count: n)) }
            return n
        }
        _ = sl_easy_setopt_ptr(easy, CURLOPT_WRITEDATA, box)
        let code = curl_easy_perform(easy)
        if sink.tooLarge { return .failure(FetchError("the answer is larger than \(maxBytes >> 20) MiB")) }
        guard code == CURLE_OK else {
            let detail = String(cString: errorBuffer)
            return .failure(FetchError(detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail))
        }
        var status = 0
        _ = sl_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
        guard status == 200 else { return .failure(FetchError("HTTP \(status)")) }
        return .success(sink.bytes)
    }

    struct FetchError: Error, CustomStringConvertible {
        var description: String
        init(_ d: String) { description = d }
    }

    private final class Sink {
        var bytes: [UInt8] = []
        var tooLarge = false
    }
}
