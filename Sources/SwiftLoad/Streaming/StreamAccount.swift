/// Adds what a streaming call measured to its series, when the call is recorded: once, at the
/// same moment and in the same recorder as its `http_req_*` metrics, so a stream's messages and
/// tokens count in the interval its request counts in.
protocol StreamAccount: AnyObject, Sendable {
    /// `metrics` is the call's series in the worker's current recorder; `intendedStart` the
    /// start its `http_req_duration` is measured from; `failed` whether the call counted as failed;
    /// `body` the kept body, decoded.
    func account(into metrics: RequestMetrics, intendedStart: UInt64, endedAt: UInt64, failed: Bool, body: [UInt8])
}
