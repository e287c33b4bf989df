internal import CSnappy

/// A Prometheus remote write 1.0 request (`prometheus.WriteRequest`): time series of labels and
/// samples, protobuf-encoded by hand (four small messages; a generated file would be larger than
/// this encoder) and snappy-compressed in the block format, as the protocol asks.
struct RemoteWriteRequest {
    struct Series {
        /// Label pairs, `__name__` among them.
        var labels: [(String, String)]
        var value: Double
        /// Milliseconds since 1970.
        var timestamp: Int64
    }

    var series: [Series] = []

    /// `WriteRequest { repeated TimeSeries timeseries = 1; }` with
    /// `TimeSeries { repeated Label labels = 1; repeated Sample samples = 2; }`,
    /// `Label { string name = 1; string value = 2; }`, `Sample { double value = 1; int64 timestamp = 2; }`.
    func protobuf() -> [UInt8] {
        var out: [UInt8] = []
        for s in series {
            var ts: [UInt8] = []
            // The protocol wants labels sorted by name.
            for (name, value) in s.labels.sorted(by: { $0.0 < $1.0 }) {
                var label: [UInt8] = []
                Self.field(1, string: name, into: &label)
                Self.field(2, string: value, into: &label)
                Self.field(1, bytes: label, into: &ts)
            }
            var sample: [UInt8] = [0x09]                       // field 1, 64-bit
            withUnsafeBytes(of: s.value.bitPattern.littleEndian) { sample.append(contentsOf: $0) }
            sample.append(0x10)                                // field 2, varint
            Self.varint(UInt64(bitPattern: s.timestamp), into: &sample)
            Self.field(2, bytes: sample, into: &ts)
            Self.field(1, bytes: ts, into: &out)
        }
        return out
    }

    /// The body to POST: the protobuf, snappy-compressed. Nil only when snappy fails.
    func body() -> [UInt8]? {
        let raw = protobuf()
        guard !raw.isEmpty else { return nil }
        var length = snappy_max_compressed_length(raw.count)
        var out = [UInt8](repeating: 0, count: length)
        let status = out.withUnsafeMutableBufferPointer { dst in
            raw.withUnsafeBufferPointer { src in
                src.baseAddress!.withMemoryRebound(to: CChar.self, capacity: max(1, src.count)) { s in
                    dst.baseAddress!.withMemoryRebound(to: CChar.self, capacity: dst.count) { d in
                        snappy_compress(s, src.count, d, &length)
                    }
                }
            }
        }
        guard status == SNAPPY_OK else { return nil }
        out.removeLast(out.count - length)
        return out
    }

    private static func varint(_ v: UInt64, into out: inout [UInt8]) {
        var v = v
        while v >= 0x80 {
            out.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }

    private static func field(_ number: UInt64, bytes: [UInt8], into out: inout [UInt8]) {
        varint(number << 3 | 2, into: &out)
        varint(UInt64(bytes.count), into: &out)
        out.append(contentsOf: bytes)
    }

    private static func field(_ number: UInt64, string: String, into out: inout [UInt8]) {
        field(number, bytes: Array(string.utf8), into: &out)
    }
}
