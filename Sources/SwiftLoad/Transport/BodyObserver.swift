/// Sees a response's body while it arrives, for streaming APIs (server-sent events): every
/// transport hands it each body piece of each hop, with that hop's status, on the worker's thread,
/// before the exchange completes. Keeping, counting and decoding the body stay as they are.
final class BodyObserver: @unchecked Sendable {
    // @unchecked: created by a VU and called on that VU's worker thread only.
    let received: (_ status: Int, _ bytes: UnsafeRawBufferPointer) -> Void

    init(_ received: @escaping (_ status: Int, _ bytes: UnsafeRawBufferPointer) -> Void) {
        self.received = received
    }
}
