import CNghttp2
import Testing
@testable import SwiftLoad

/// The free-list allocator behind each nghttp2 session, called as nghttp2 calls it.
@Suite struct H2AllocatorTests {
    private func fill(_ p: UnsafeMutableRawPointer, _ count: Int, seed: UInt8) {
        for i in 0..<count { p.storeBytes(of: UInt8(truncatingIfNeeded: i &+ Int(seed)), toByteOffset: i, as: UInt8.self) }
    }

    private func holds(_ p: UnsafeMutableRawPointer, _ count: Int, seed: UInt8) -> Bool {
        (0..<count).allSatisfy { p.load(fromByteOffset: $0, as: UInt8.self) == UInt8(truncatingIfNeeded: $0 &+ Int(seed)) }
    }

    @Test func freedBlocksAreReusedBySizeClassAndKeepTheirAlignment() throws {
        let allocator = H2Allocator()
        let mem = allocator.mem
        let user = mem.mem_user_data
        let a = try #require(mem.malloc(40, user))
        #expect(Int(bitPattern: a) % 16 == 0)
        mem.free(a, user)
        // 33…64 bytes share a class: the block just freed comes back.
        #expect(mem.malloc(64, user) == a)
        let b = try #require(mem.malloc(65, user))
        #expect(b != a)
        mem.free(nil, user)   // as free(3): nothing
        mem.free(b, user)
        mem.free(a, user)
    }

    @Test func callocZeroesAReusedBlock() throws {
        let allocator = H2Allocator()
        let mem = allocator.mem
        let user = mem.mem_user_data
        let dirty = try #require(mem.malloc(100, user))
        fill(dirty, 100, seed: 7)
        mem.free(dirty, user)
        let clean = try #require(mem.calloc(10, 10, user))
        #expect(clean == dirty)
        #expect((0..<100).allSatisfy { clean.load(fromByteOffset: $0, as: UInt8.self) == 0 })
        #expect(mem.calloc(Int.max, 2, user) == nil)   // overflow: no block, no trap
        mem.free(clean, user)
    }

    @Test(arguments: [(10, 20), (30, 5_000), (5_000, 100_000), (100_000, 3_000), (4_096, 4_096)])
    func reallocKeepsTheContents(from: Int, to: Int) throws {
        let allocator = H2Allocator()
        let mem = allocator.mem
        let user = mem.mem_user_data
        let p = try #require(mem.malloc(from, user))
        fill(p, from, seed: 3)
        let q = try #require(mem.realloc(p, to, user))
        #expect(holds(q, min(from, to), seed: 3))
        fill(q, to, seed: 9)   // the whole new size is writable
        #expect(holds(q, to, seed: 9))
        #expect(mem.realloc(q, 0, user) == nil)   // as realloc(3): size 0 frees
        let r = try #require(mem.realloc(nil, 50, user))
        mem.free(r, user)
    }
}
