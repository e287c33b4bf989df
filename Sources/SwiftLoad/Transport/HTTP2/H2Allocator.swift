import CNghttp2
#if canImport(Glibc)
import Glibc
#endif

/// The memory of one nghttp2 session: blocks up to 4 KiB come from free lists by power-of-two
/// size and go back to them, larger ones straight from `malloc`.
///
/// nghttp2 makes about 17 small allocations per request (streams, frames, header buffers) and
/// frees them at the stream's close. Through glibc each `malloc` and `free` pair cost ~200
/// instructions (its per-thread cache holds only seven blocks of a size), a tenth of an h2c
/// request; from these lists it is ~50 (callgrind). A session runs on one thread, so the lists
/// need no lock, and each holds no more blocks than the session once had of its size in use at
/// one time.
///
/// The connection that owns the session owns this allocator and deletes the session first:
/// stored properties go after `deinit` has run.
final class H2Allocator {
    /// Free-list heads, one per size class, passed to the callbacks as nghttp2's user data.
    private let heads: UnsafeMutablePointer<UnsafeMutableRawPointer?>

    /// What `nghttp2_session_client_new3` takes (it copies the struct).
    var mem: nghttp2_mem {
        nghttp2_mem(mem_user_data: UnsafeMutableRawPointer(heads), malloc: Self.allocate, free: Self.release,
                    calloc: Self.allocateZeroed, realloc: Self.reallocate)
    }

    // Each block starts with a 16-byte header (which keeps the payload 16-byte aligned): its
    // size class, or `large` and the payload size; while free, also the next free block.
    private static let classes = 8            // payloads of 32, 64, … 4,096 bytes
    private static let smallest = 32
    private static let largest = smallest << (classes - 1)
    private static let large: UInt64 = .max
    private static let header = 16

    init() {
        heads = .allocate(capacity: Self.classes)
        heads.initialize(repeating: nil, count: Self.classes)
    }

    deinit {
        for c in 0..<Self.classes {
            var block = heads[c]
            while let b = block {
                block = b.load(fromByteOffset: 8, as: UnsafeMutableRawPointer?.self)
                free(b)
            }
        }
        heads.deallocate()
    }

    @inline(__always)
    private static func sizeClass(_ size: Int) -> Int {
        size <= smallest ? 0 : Int.bitWidth - (size - 1).leadingZeroBitCount - 5
    }

    @inline(__always)
    private static func payloadCapacity(_ block: UnsafeMutableRawPointer) -> Int {
        let c = block.load(as: UInt64.self)
        return c == large ? Int(block.load(fromByteOffset: 8, as: UInt64.self)) : smallest << Int(c)
    }

    private static func take(_ size: Int, _ user: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
        if size > largest {
            guard size <= Int.max - header, let b = malloc(header + size) else { return nil }
            b.storeBytes(of: large, as: UInt64.self)
            b.storeBytes(of: UInt64(size), toByteOffset: 8, as: UInt64.self)
            return b + header
        }
        let heads = user.unsafelyUnwrapped.assumingMemoryBound(to: UnsafeMutableRawPointer?.self)
        let c = sizeClass(size)
        if let b = heads[c] {
            heads[c] = b.load(fromByteOffset: 8, as: UnsafeMutableRawPointer?.self)
            return b + header
        }
        guard let b = malloc(header + (smallest << c)) else { return nil }
        b.storeBytes(of: UInt64(c), as: UInt64.self)
        return b + header
    }

    private static func give(_ pointer: UnsafeMutableRawPointer?, _ user: UnsafeMutableRawPointer?) {
        guard let pointer else { return }
        let b = pointer - header
        let c = b.load(as: UInt64.self)
        if c == large { free(b); return }
        let heads = user.unsafelyUnwrapped.assumingMemoryBound(to: UnsafeMutableRawPointer?.self)
        b.storeBytes(of: heads[Int(c)], toByteOffset: 8, as: UnsafeMutableRawPointer?.self)
        heads[Int(c)] = b
    }

    private static let allocate: nghttp2_malloc = { size, user in take(size, user) }

    private static let release: nghttp2_free = { pointer, user in give(pointer, user) }

    private static let allocateZeroed: nghttp2_calloc = { count, size, user in
        let (total, overflow) = count.multipliedReportingOverflow(by: size)
        guard !overflow, let p = take(total, user) else { return nil }
        memset(p, 0, total)
        return p
    }

    private static let reallocate: nghttp2_realloc = { pointer, size, user in
        guard let pointer else { return take(size, user) }
        // As realloc(3): size 0 frees the block.
        if size == 0 { give(pointer, user); return nil }
        let capacity = payloadCapacity(pointer - header)
        if size <= capacity && capacity <= largest { return pointer }
        guard let moved = take(size, user) else { return nil }
        memcpy(moved, pointer, min(capacity, size))
        give(pointer, user)
        return moved
    }
}
