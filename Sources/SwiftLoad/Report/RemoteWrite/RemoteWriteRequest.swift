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

    /// A native histogram sample (Prometheus' sparse exponential buckets), cumulative.
    struct NativeHistogram {
        var labels: [(String, String)]
        var count: UInt64
        var sum: Double
        var schema: Int32
        var zeroCount: UInt64
        /// Bucket index → count, for the positive buckets (index i covers (base^(i-1), base^i]).
        var buckets: [(index: Int32, count: UInt64)]
        var timestamp: Int64
    }

    var series: [Series] = []
    var histograms: [NativeHistogram] = []

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
        for h in histograms {
            var ts: [UInt8] = []
            for (name, value) in h.labels.sorted(by: { $0.0 < $1.0 }) {
                var label: [UInt8] = []
                Self.field(1, string: name, into: &label)
                Self.field(2, string: value, into: &label)
                Self.field(1, bytes: label, into: &ts)
            }
            Self.field(4, bytes: Self.encode(h), into: &ts)
            Self.field(1, bytes: ts, into: &out)
        }
        return out
    }

    /// `Histogram { uint64 count_int = 1; double sum = 3; sint32 schema = 4; double zero_threshold = 5;
    /// uint64 zero_count_int = 6; repeated BucketSpan positive_spans = 11; repeated sint64
    /// positive_deltas = 12; int64 timestamp = 15; }`, `BucketSpan { sint32 offset = 1; uint32 length = 2; }`.
    private static func encode(_ h: NativeHistogram) -> [UInt8] {
        var out: [UInt8] = [0x08]
        varint(h.count, into: &out)
        out.append(0x19)                                       // field 3, 64-bit
        withUnsafeBytes(of: h.sum.bitPattern.littleEndian) { out.append(contentsOf: $0) }
        out.append(0x20)                                       // field 4, varint (zigzag)
        varint(zigzag(Int64(h.schema)), into: &out)
        out.append(0x29)                                       // field 5, 64-bit: no zero bucket width
        withUnsafeBytes(of: (0.0).bitPattern.littleEndian) { out.append(contentsOf: $0) }
        out.append(0x30)                                       // field 6
        varint(h.zeroCount, into: &out)
        // Spans of consecutive buckets, and each bucket's count as a delta from the previous one.
        var deltas: [UInt8] = []
        var previousCount: Int64 = 0, previousEnd: Int32? = nil
        var spanStart = 0
        let b = h.buckets
        while spanStart < b.count {
            var spanEnd = spanStart
            while spanEnd + 1 < b.count && b[spanEnd + 1].index == b[spanEnd].index + 1 { spanEnd += 1 }
            var span: [UInt8] = [0x08]
            let offset = previousEnd.map { b[spanStart].index - $0 } ?? b[spanStart].index
            varint(zigzag(Int64(offset)), into: &span)
            span.append(0x10)
            varint(UInt64(spanEnd - spanStart + 1), into: &span)
            field(11, bytes: span, into: &out)
            for i in spanStart...spanEnd {
                let c = Int64(clamping: b[i].count)
                varint(zigzag(c - previousCount), into: &deltas)
                previousCount = c
            }
            previousEnd = b[spanEnd].index + 1
            spanStart = spanEnd + 1
        }
        if !deltas.isEmpty { field(12, bytes: deltas, into: &out) }     // packed
        out.append(0x78)                                       // field 15, varint
        varint(UInt64(bitPattern: h.timestamp), into: &out)
        return out
    }

    private static func zigzag(_ v: Int64) -> UInt64 { UInt64(bitPattern: (v << 1) ^ (v >> 63)) }

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
