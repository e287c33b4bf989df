import Foundation

/// Tensor data for an Open Inference Protocol (KServe V2) request, in one of the types load
/// tests feed models with.
public enum TensorValues: Sendable, Equatable {
    case fp32([Float])
    case fp64([Double])
    case int64([Int64])

    /// The protocol's datatype name.
    public var datatype: String {
        switch self {
        case .fp32: return "FP32"
        case .fp64: return "FP64"
        case .int64: return "INT64"
        }
    }

    var count: Int {
        switch self {
        case .fp32(let v): return v.count
        case .fp64(let v): return v.count
        case .int64(let v): return v.count
        }
    }

    /// The values as the typed `contents` field carries them.
    var contents: Inference_InferTensorContents {
        var c = Inference_InferTensorContents()
        switch self {
        case .fp32(let v): c.fp32Contents = v
        case .fp64(let v): c.fp64Contents = v
        case .int64(let v): c.int64Contents = v
        }
        return c
    }

    /// The values as `raw_input_contents` carries them: little-endian, packed.
    var rawBytes: Data {
        var out = Data()
        switch self {
        case .fp32(let v): for x in v { withUnsafeBytes(of: x.bitPattern.littleEndian) { out.append(contentsOf: $0) } }
        case .fp64(let v): for x in v { withUnsafeBytes(of: x.bitPattern.littleEndian) { out.append(contentsOf: $0) } }
        case .int64(let v): for x in v { withUnsafeBytes(of: x.littleEndian) { out.append(contentsOf: $0) } }
        }
        return out
    }
}

/// One input tensor of a V2 inference request.
public struct InferInput: Sendable, Equatable {
    public var name: String
    public var shape: [Int]
    public var values: TensorValues

    public init(name: String, shape: [Int], values: TensorValues) {
        self.name = name
        self.shape = shape
        self.values = values
    }
}

extension Inference_ModelInferRequest {
    /// A `ModelInfer` request for `model` with the given inputs. With `raw: true` the values
    /// travel in `raw_input_contents` (little-endian bytes, as Triton and MLServer accept);
    /// otherwise in each input's typed `contents`.
    public init(model: String, version: String = "", id: String = "", inputs: [InferInput],
                outputs: [String] = [], raw: Bool = false) {
        self.init()
        modelName = model
        modelVersion = version
        self.id = id
        for input in inputs {
            var t = Inference_ModelInferRequest.InferInputTensor()
            t.name = input.name
            t.datatype = input.values.datatype
            t.shape = input.shape.map(Int64.init)
            if raw {
                rawInputContents.append(input.values.rawBytes)
            } else {
                t.contents = input.values.contents
            }
            self.inputs.append(t)
        }
        self.outputs = outputs.map { name in
            var o = Inference_ModelInferRequest.InferRequestedOutputTensor()
            o.name = name
            return o
        }
    }

    /// One FP32 input of shape `[rows, values.count / rows]` (a batch of feature rows).
    public static func fp32(model: String, input: String = "input-0", rows: [[Float]], raw: Bool = false) -> Self {
        let width = rows.first?.count ?? 0
        return Self(model: model, inputs: [InferInput(name: input, shape: [rows.count, width], values: .fp32(rows.flatMap { $0 }))],
                    raw: raw)
    }
}

extension Inference_ModelInferResponse {
    /// The output named `name` (the first output when nil).
    public func output(_ name: String? = nil) -> InferOutputTensor? {
        name.map { n in outputs.first { $0.name == n } } ?? outputs.first
    }

    private func raw(for name: String?) -> Data? {
        let index = name.flatMap { n in outputs.firstIndex { $0.name == n } } ?? 0
        return index < rawOutputContents.count ? rawOutputContents[index] : nil
    }

    /// An INT64 output's values, from its typed contents or from `raw_output_contents`.
    public func int64Values(_ name: String? = nil) -> [Int64]? {
        guard let o = output(name) else { return nil }
        if !o.contents.int64Contents.isEmpty { return o.contents.int64Contents }
        return raw(for: name).map { Self.decode($0, Int64.self) { Int64(littleEndian: $0) } }
    }

    /// An FP32 output's values.
    public func fp32Values(_ name: String? = nil) -> [Float]? {
        guard let o = output(name) else { return nil }
        if !o.contents.fp32Contents.isEmpty { return o.contents.fp32Contents }
        return raw(for: name).map { Self.decode($0, UInt32.self) { Float(bitPattern: UInt32(littleEndian: $0)) } }
    }

    /// An FP64 output's values.
    public func fp64Values(_ name: String? = nil) -> [Double]? {
        guard let o = output(name) else { return nil }
        if !o.contents.fp64Contents.isEmpty { return o.contents.fp64Contents }
        return raw(for: name).map { Self.decode($0, UInt64.self) { Double(bitPattern: UInt64(littleEndian: $0)) } }
    }

    private static func decode<W: FixedWidthInteger, T>(_ data: Data, _: W.Type, _ convert: (W) -> T) -> [T] {
        let size = MemoryLayout<W>.size
        return stride(from: 0, to: data.count - data.count % size, by: size).map { i in
            var w: W = 0
            withUnsafeMutableBytes(of: &w) { dst in
                data.copyBytes(to: dst.bindMemory(to: UInt8.self), from: (data.startIndex + i)..<(data.startIndex + i + size))
            }
            return convert(w)
        }
    }
}
