/// What every HTTP transport is to the request policy above it: a prepared request in, a plain
/// outcome out. The built-in HTTP/1.1 client (`HTTP1Client`), libcurl (`CurlConnection`) and
/// nghttp2 (`H2Channel`) implement it; none of them records metrics, follows redirects or
/// decodes content — `RequestPipeline` does that once for all of them.
protocol RequestTransport: AnyObject {
    /// Sends `request` and returns what came back, failures included (`TransferOutcome.error`).
    /// Throws only `Interrupted`, after `cancel()`.
    nonisolated(nonsending) func exchange(_ request: PreparedRequest) async throws -> TransferOutcome
    /// Abandons the exchange in flight, if any: it throws `Interrupted`.
    func cancel()
    /// Releases the transport's connections at the end of the run.
    func close()
}
