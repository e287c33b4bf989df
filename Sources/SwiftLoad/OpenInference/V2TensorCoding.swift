import Foundation

/// Puts a planned input's values into the gRPC message's typed `contents` or packs them for
/// `raw_input_contents`, by the protocol's datatype.
enum V2TensorCoding {
    /// The datatypes the Open Inference Protocol defines.
    static let datatypes: Set<String> = ["BOOL", "UINT8", "UINT16", "UINT32", "UINT64", "INT8", "INT16", "INT32", "INT64",
                                         "FP16", "BF16", "FP32", "FP64", "BYTES"]

    static func contents(_ t: V2ModelMetadata.PlannedTensor) -> Inference_InferTensorContents {
        var c = Inference_InferTensorContents()
        let v = t.numbers
        switch t.datatype {
        case "BOOL": c.boolContents = v.map { $0 != 0 }
        case "INT8", "INT16", "INT32": c.intContents = v.map { Int32(clamping: integer($0)) }
        case "INT64": c.int64Contents = v.map(integer)
        case "UINT8", "UINT16", "UINT32": c.uintContents = v.map { UInt32(clamping: integer($0)) }
        case "UINT64": c.uint64Contents = v.map { UInt64(clamping: integer($0)) }
        case "FP64": c.fp64Contents = v
        case "BYTES": c.bytesContents = t.strings.map { Data($0.utf8) }
        default: c.fp32Contents = v.map { Float($0) }
        }
        return c
    }

    /// Little-endian and packed, as Triton and MLServer read `raw_input_contents`; BYTES
    /// elements each with a 4-byte length first.
    static func raw(_ t: V2ModelMetadata.PlannedTensor) -> Data {
        var out = Data()
        func put<T: FixedWidthInteger>(_ x: T) { withUnsafeBytes(of: x.littleEndian) { out.append(contentsOf: $0) } }
        for x in t.numbers {
            switch t.datatype {
            case "BOOL": put(UInt8(x != 0 ? 1 : 0))
            case "INT8": put(Int8(clamping: integer(x)))
            case "INT16": put(Int16(clamping: integer(x)))
            case "INT32": put(Int32(clamping: integer(x)))
            case "INT64": put(integer(x))
            case "UINT8": put(UInt8(clamping: integer(x)))
            case "UINT16": put(UInt16(clamping: integer(x)))
            case "UINT32": put(UInt32(clamping: integer(x)))
            case "UINT64": put(UInt64(clamping: integer(x)))
            case "FP16": put(Float16(x).bitPattern)
            case "BF16": put(UInt16(truncatingIfNeeded: Float(x).bitPattern >> 16))
            case "FP64": put(x.bitPattern)
            default: put(Float(x).bitPattern)
            }
        }
        for s in t.strings {
            put(UInt32(s.utf8.count))
            out.append(contentsOf: Array(s.utf8))
        }
        return out
    }

    /// A value as an integer: rounded, clamped, NaN as 0 (never a trap on odd data).
    static func integer(_ x: Double) -> Int64 {
        guard !x.isNaN else { return 0 }
        if x >= 9.2e18 { return .max }
        if x <= -9.2e18 { return .min }
        return Int64(x.rounded())
    }
}
