/// The header block being decoded on one HTTP/2 connection, kept as "name: value\r\n" lines in
/// one reused buffer. HPACK decodes a connection's blocks one at a time, so one buffer serves
/// all its streams, and a block is copied into its stream's array once, when its HEADERS frame
/// ends.
/// Appended field by field to the stream's array (six appends each) it cost ~220 instructions
/// a field.
final class H2FieldBlock {
    /// The stream whose block this is (0: none).
    private var streamID: Int32 = 0
    private var storage: UnsafeMutableRawPointer
    private var capacity = 512
    private var count = 0

    init() {
        storage = .allocate(byteCount: capacity, alignment: 1)
    }

    deinit { storage.deallocate() }

    /// Adds a field to `streamID`'s block. A field of another stream starts a new block: the
    /// previous one never reached its end (its stream was reset meanwhile).
    func append(streamID: Int32, name: UnsafeBufferPointer<UInt8>, value: UnsafeBufferPointer<UInt8>) {
        if streamID != self.streamID {
            self.streamID = streamID
            count = 0
        }
        let end = count + name.count + value.count + 4
        if end > capacity { grow(to: end) }
        var p = storage + count
        if let n = name.baseAddress { p.copyMemory(from: n, byteCount: name.count) }
        p += name.count
        p.storeBytes(of: 0x3A, as: UInt8.self)
        p.storeBytes(of: 0x20, toByteOffset: 1, as: UInt8.self)
        p += 2
        if let v = value.baseAddress { p.copyMemory(from: v, byteCount: value.count) }
        p += value.count
        p.storeBytes(of: 0x0D, as: UInt8.self)
        p.storeBytes(of: 0x0A, toByteOffset: 1, as: UInt8.self)
        count = end
    }

    /// Lends `streamID`'s block (empty if it has none here) to `body`, then empties the buffer
    /// for the next.
    func take<R>(streamID: Int32, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        defer {
            count = 0
            self.streamID = 0
        }
        let n = streamID == self.streamID ? count : 0
        return body(UnsafeRawBufferPointer(start: storage, count: n))
    }

    private func grow(to needed: Int) {
        var c = capacity
        while c < needed { c *= 2 }
        let bigger = UnsafeMutableRawPointer.allocate(byteCount: c, alignment: 1)
        bigger.copyMemory(from: storage, byteCount: count)
        storage.deallocate()
        storage = bigger
        capacity = c
    }
}
