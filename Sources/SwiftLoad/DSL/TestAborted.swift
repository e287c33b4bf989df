/// Thrown by `vu.abortTest(_:)`: the whole run stops as on Ctrl-C, reports what ran, and exits
/// with code 108 (k6's `exec.test.abort()`).
public struct TestAborted: Error, CustomStringConvertible {
    public var reason: String
    public var description: String { "test aborted: \(reason)" }
}

extension VU {
    /// Stops the whole test: in-flight iterations everywhere are interrupted, the reports are
    /// written, and `swiftload run` exits with 108. For a target that is plainly broken, when
    /// carrying on would only produce noise.
    public func abortTest(_ reason: String) throws -> Never {
        throw TestAborted(reason: reason)
    }
}
