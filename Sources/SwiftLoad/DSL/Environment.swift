/// The variables a scenario reads with `vu.env`: the process environment overlaid with the
/// `--env KEY=VALUE` options, so a scenario can be pointed at another target without editing it
/// (`TARGET` is the convention for the base URL).
public struct Environment: Sendable {
    public let values: [String: String]
    private let index: Index

    public init(_ values: [String: String]) {
        self.values = values
        index = Index(values)
    }

    public subscript(key: String) -> String? { index.value(for: key) }

    public subscript(key: String, default fallback: @autoclosure () -> String) -> String {
        index.value(for: key) ?? fallback()
    }

    /// The variables in an open-addressing table hashed with FNV-1a over the name's bytes, at
    /// most a quarter full. Scripts read variables in every iteration, and a `Dictionary` lookup
    /// (SipHash of the key, then a string comparison with each key met while probing) cost ~370
    /// instructions here, about 3% of a whole request.
    private final class Index: Sendable {
        private let mask: Int
        /// 0 marks an empty slot (a name hashing to 0 is stored as 1).
        private let hashes: [UInt64]
        private let keys: [String]
        private let values: [String]

        init(_ all: [String: String]) {
            var size = 8
            while size < all.count * 4 { size <<= 1 }
            mask = size - 1
            var hashes = [UInt64](repeating: 0, count: size)
            var keys = [String](repeating: "", count: size)
            var values = [String](repeating: "", count: size)
            for (k, v) in all {
                let h = Self.hash(k)
                var i = Int(truncatingIfNeeded: h) & mask
                while hashes[i] != 0 { i = (i + 1) & mask }
                hashes[i] = h
                keys[i] = k
                values[i] = v
            }
            self.hashes = hashes
            self.keys = keys
            self.values = values
        }

        func value(for key: String) -> String? {
            let h = Self.hash(key)
            var i = Int(truncatingIfNeeded: h) & mask
            while hashes[i] != 0 {
                if hashes[i] == h && keys[i] == key { return values[i] }
                i = (i + 1) & mask
            }
            return nil
        }

        private static func hash(_ key: String) -> UInt64 {
            // Over the bytes in one piece: iterating `utf8` goes element by element through the
            // string's representation, several times the cost for a short name.
            var k = key
            let h = k.withUTF8 { bytes -> UInt64 in
                var h: UInt64 = 0xcbf2_9ce4_8422_2325
                for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
                return h
            }
            return h == 0 ? 1 : h
        }
    }

    /// The process environment with `overrides` on top.
    static func current(overrides: [String: String]) -> Environment {
        var all: [String: String] = [:]
        var p = environ
        while let entry = p.pointee {
            let s = String(cString: entry)
            if let eq = s.firstIndex(of: "=") {
                all[String(s[..<eq])] = String(s[s.index(after: eq)...])
            }
            p += 1
        }
        for (k, v) in overrides { all[k] = v }
        return Environment(all)
    }
}

#if canImport(Glibc)
import Glibc
#endif
