internal import CZlib
import Foundation

/// `--out hlog=PATH`: the request durations of every second as an HdrHistogram interval log
/// (the format `HistogramLogWriter` writes and HdrHistogram's own readers, `HistogramLogProcessor`,
/// HdrHistogram's Python and Go libraries and HdrHistogram-viz open). Values are microseconds;
/// each line's max is in milliseconds.
///
/// Written while the run goes, into a temporary file beside `PATH` renamed into place at the
/// end, so memory does not grow with the run's length and a reader never sees half a file. Only
/// `run` writes it: a saved result keeps per-second percentiles, not per-second histograms.
public final class HdrIntervalLog {
    private let path: String
    private let temporary: String
    private let handle: FileHandle

    public init(path: String) throws {
        self.path = path
        temporary = path + ".partial"
        guard FileManager.default.createFile(atPath: temporary, contents: nil), let h = FileHandle(forWritingAtPath: temporary) else {
            throw AtomicFile.WriteError(path: path, reason: "cannot be created")
        }
        handle = h
    }

    /// The header: format version, start time, legend.
    public func start(at startTime: Date, script: String?) {
        let epoch = startTime.timeIntervalSince1970
        var text = "#[Logged with swiftload \(SwiftLoadVersion.current)\(script.map { " running \($0)" } ?? "")]\n"
        text += "#[Histogram log format version 1.3]\n"
        text += String(format: "#[StartTime: %.3f (seconds since epoch), %@]\n", epoch, RFC3339.string(startTime))
        text += String(format: "#[BaseTime: %.3f (seconds since epoch)]\n", epoch)
        text += "#[Values: http_req_duration in microseconds; Interval_Max in milliseconds]\n"
        text += "\"StartTimestamp\",\"Interval_Length\",\"Interval_Max\",\"Interval_Compressed_Histogram\"\n"
        handle.write(Data(text.utf8))
    }

    /// One interval: `point` says when, `h` holds its durations.
    public func interval(_ point: TimeSeriesPoint, _ h: LatencyHistogram) {
        let begin = max(0, point.t - point.seconds)
        let max = h.totalCount > 0 ? Double(h.maxRecorded) / 1000 : 0
        // zlib fails only when out of memory: the interval is then left out, not the run.
        guard let encoded = Self.encode(h) else { return }
        let line = String(format: "%.3f,%.3f,%.3f,", begin, point.seconds, max) + encoded + "\n"
        handle.write(Data(line.utf8))
    }

    /// Closes the log and puts it in place.
    public func finish() throws {
        try handle.synchronize()
        try handle.close()
        if rename(temporary, path) != 0 {
            throw AtomicFile.WriteError(path: path, reason: "cannot be written (\(String(cString: strerror(errno))))")
        }
    }

    // MARK: encoding

    /// A histogram in HdrHistogram's compressed V2 form, base64: the counts array of the
    /// histogram's shape (1 µs … 1 h, 3 significant digits) as ZigZag LEB128 varints with runs
    /// of zeros as negative counts, behind a payload header, deflated, behind a cookie.
    static func encode(_ h: LatencyHistogram) -> String? {
        // The counts array layout for lowest 1 and 3 significant digits: sub-buckets of 2,048
        // (half 1,024), bucket i covering values up to 2,048 << i.
        let halfMagnitude = 10, halfCount = 1 << halfMagnitude, mask: UInt64 = (1 << (halfMagnitude + 1)) - 1
        func index(_ v: UInt64) -> Int {
            let bucket = 64 - halfMagnitude - 1 - (v | mask).leadingZeroBitCount
            let sub = Int(v >> UInt64(bucket))
            return ((bucket + 1) << halfMagnitude) + (sub - halfCount)
        }
        var counts: [(Int, UInt64)] = h.recordedValues().map { (index($0.value), UInt64($0.count)) }
        counts.sort { $0.0 < $1.0 }
        var varints: [UInt8] = []
        var next = 0
        func put(_ signed: Int64) {
            var z = UInt64(bitPattern: (signed << 1) ^ (signed >> 63))
            while z >= 0x80 {
                varints.append(UInt8(z & 0x7F) | 0x80)
                z >>= 7
            }
            varints.append(UInt8(z))
        }
        for (i, c) in counts where c > 0 {
            if i > next { put(-Int64(i - next)) }
            put(Int64(clamping: c))
            next = i + 1
        }
        var payload: [UInt8] = []
        func be32(_ v: UInt32) { for s in stride(from: 24, through: 0, by: -8) { payload.append(UInt8((v >> UInt32(s)) & 0xFF)) } }
        func be64(_ v: UInt64) { for s in stride(from: 56, through: 0, by: -8) { payload.append(UInt8((v >> UInt64(s)) & 0xFF)) } }
        be32(0x1C84_9313)                                  // V2 encoding cookie, 8-byte words
        be32(UInt32(varints.count))
        be32(0)                                            // normalizing index offset
        be32(3)                                            // significant digits
        be64(1)                                            // lowest discernible value
        be64(LatencyHistogram.highestMicroseconds)
        be64((1.0).bitPattern)                             // integer to double conversion ratio
        payload += varints
        var bound = compressBound(uLong(payload.count))
        var deflated = [UInt8](repeating: 0, count: Int(bound))
        let status = deflated.withUnsafeMutableBufferPointer { out in
            payload.withUnsafeBufferPointer { src in compress2(out.baseAddress, &bound, src.baseAddress, uLong(src.count), 6) }
        }
        guard status == Z_OK else { return nil }
        deflated.removeLast(deflated.count - Int(bound))
        var out: [UInt8] = []
        let cookie: UInt32 = 0x1C84_9314, length = UInt32(deflated.count)   // V2 compressed cookie
        for s in stride(from: 24, through: 0, by: -8) { out.append(UInt8((cookie >> UInt32(s)) & 0xFF)) }
        for s in stride(from: 24, through: 0, by: -8) { out.append(UInt8((length >> UInt32(s)) & 0xFF)) }
        out += deflated
        return Data(out).base64EncodedString()
    }
}
