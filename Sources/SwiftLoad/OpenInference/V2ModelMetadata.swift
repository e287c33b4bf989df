import Foundation

/// A model's Open Inference Protocol (KServe V2) metadata: its inputs and outputs with their
/// names, datatypes and shapes, as `GET /v2/models/{model}` answers over REST and `ModelMetadata`
/// over gRPC (MLServer, Triton, KServe). From it, `restRequest` and `grpcRequest` build a valid
/// inference request, so a new model is benchmarked with no payload code:
///
///     static func setup(_ vu: VU) async throws -> (any Sendable)? {
///         try await vu.modelMetadata(rest: "http://127.0.0.1:8080", model: "iris")
///     }
///     static func iteration(_ vu: VU) async throws {
///         let model = try vu.setupData.get(V2ModelMetadata.self)
///         let body = try model.restRequest(batch: 8)                // generated values
///         // or: try model.restRequest(rows: try feeder.next(vu, count: 8).map { try $0.values(features) })
///         try await vu.http.post(base + "/v2/models/iris/infer", json: body, name: "infer")
///     }
///
/// A dimension of -1 is the batch: the first one takes `batch` (or the number of rows given);
/// any other must be fixed with `shapes`. Values come from `rows` (the model's only input, or
/// the one named `rowsInput`), from `values` by input name, or else from `fill`.
public struct V2ModelMetadata: Codable, Sendable, Equatable {
    public struct Tensor: Codable, Sendable, Equatable {
        public var name: String
        public var datatype: String
        public var shape: [Int]

        public init(name: String, datatype: String, shape: [Int]) {
            self.name = name
            self.datatype = datatype
            self.shape = shape
        }
    }

    public var name: String
    public var versions: [String]?
    public var platform: String?
    public var inputs: [Tensor]
    public var outputs: [Tensor]

    public init(name: String, versions: [String]? = nil, platform: String? = nil, inputs: [Tensor], outputs: [Tensor] = []) {
        self.name = name
        self.versions = versions
        self.platform = platform
        self.inputs = inputs
        self.outputs = outputs
    }

    /// The metadata a gRPC `ModelMetadata` call answered.
    public init(_ m: Inference_ModelMetadataResponse) {
        func tensor(_ t: Inference_ModelMetadataResponse.TensorMetadata) -> Tensor {
            Tensor(name: t.name, datatype: t.datatype, shape: t.shape.map { Int(clamping: $0) })
        }
        self.init(name: m.name, versions: m.versions.isEmpty ? nil : m.versions, platform: m.platform.isEmpty ? nil : m.platform,
                  inputs: m.inputs.map(tensor), outputs: m.outputs.map(tensor))
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        versions = try c.decodeIfPresent([String].self, forKey: .versions)
        platform = try c.decodeIfPresent(String.self, forKey: .platform)
        // MLServer leaves out what a model's settings do not declare.
        inputs = try c.decodeIfPresent([Tensor].self, forKey: .inputs) ?? []
        outputs = try c.decodeIfPresent([Tensor].self, forKey: .outputs) ?? []
    }

    /// A REST inference request (`POST /v2/models/{model}/infer`).
    public func restRequest(batch: Int = 1, rows: [[Double]]? = nil, rowsInput: String? = nil, values: [String: [Double]] = [:],
                            shapes: [String: [Int]] = [:], fill: V2Fill = .random(), outputs: [String]? = nil,
                            id: String? = nil) throws(V2PayloadError) -> V2InferenceRequest {
        let planned = try plan(batch: batch, rows: rows, rowsInput: rowsInput, values: values, shapes: shapes, fill: fill)
        return V2InferenceRequest(id: id, inputs: planned.map { t in
            V2InferenceRequest.Input(name: t.name, shape: t.shape, datatype: t.datatype,
                                     data: t.datatype == "BYTES" ? .strings(t.strings) : .numbers(t.numbers))
        }, outputs: outputs)
    }

    /// A gRPC `ModelInfer` request. Values travel in each input's typed `contents`, or packed
    /// little-endian in `raw_input_contents` with `raw` (always for FP16 and BF16, which have no
    /// typed field).
    public func grpcRequest(batch: Int = 1, rows: [[Double]]? = nil, rowsInput: String? = nil, values: [String: [Double]] = [:],
                            shapes: [String: [Int]] = [:], fill: V2Fill = .random(), version: String = "", raw: Bool = false,
                            outputs: [String] = [], id: String = "") throws(V2PayloadError) -> Inference_ModelInferRequest {
        let planned = try plan(batch: batch, rows: rows, rowsInput: rowsInput, values: values, shapes: shapes, fill: fill)
        let packed = raw || planned.contains { $0.datatype == "FP16" || $0.datatype == "BF16" }
        var r = Inference_ModelInferRequest()
        r.modelName = name
        r.modelVersion = version
        r.id = id
        for t in planned {
            var input = Inference_ModelInferRequest.InferInputTensor()
            input.name = t.name
            input.datatype = t.datatype
            input.shape = t.shape.map(Int64.init)
            if packed { r.rawInputContents.append(V2TensorCoding.raw(t)) } else { input.contents = V2TensorCoding.contents(t) }
            r.inputs.append(input)
        }
        r.outputs = outputs.map { var o = Inference_ModelInferRequest.InferRequestedOutputTensor(); o.name = $0; return o }
        return r
    }

    /// One input, its shape resolved and its values chosen.
    struct PlannedTensor {
        var name: String
        var datatype: String
        var shape: [Int]
        var numbers: [Double] = []
        var strings: [String] = []
    }

    func plan(batch: Int, rows: [[Double]]?, rowsInput: String?, values: [String: [Double]], shapes: [String: [Int]],
              fill: V2Fill) throws(V2PayloadError) -> [PlannedTensor] {
        guard !inputs.isEmpty else {
            throw V2PayloadError("model \(name) declares no inputs in its metadata (MLServer: list them under \"inputs\" in model-settings.json)")
        }
        guard batch >= 1 && batch <= 1_000_000 else { throw V2PayloadError("batch must be between 1 and 1000000 (got \(batch))") }
        var rowsTarget: String?
        if rows != nil {
            guard rowsInput != nil || inputs.count == 1 else {
                throw V2PayloadError("model \(name) has \(inputs.count) inputs: say which one the rows fill (rowsInput:)")
            }
            rowsTarget = rowsInput ?? inputs[0].name
        }
        if let rowsTarget, !inputs.contains(where: { $0.name == rowsTarget }) {
            throw V2PayloadError("model \(name) has no input \(rowsTarget) (inputs: \(inputs.map(\.name).joined(separator: ", ")))")
        }
        for key in Set(values.keys).union(shapes.keys) where !inputs.contains(where: { $0.name == key }) {
            throw V2PayloadError("model \(name) has no input \(key) (inputs: \(inputs.map(\.name).joined(separator: ", ")))")
        }
        if let rows, rows.isEmpty { throw V2PayloadError("no rows to send") }
        var rng = SplitMix64(seed: fill.seed)
        return try inputs.map { (t) throws(V2PayloadError) -> PlannedTensor in
            guard V2TensorCoding.datatypes.contains(t.datatype) else {
                throw V2PayloadError("input \(t.name) has datatype \(t.datatype), which the protocol does not define")
            }
            let fromRows = t.name == rowsTarget ? rows : nil
            var shape = shapes[t.name] ?? t.shape
            let width = fromRows?.first?.count
            var batchTaken = false
            for i in shape.indices where shape[i] < 0 {
                if !batchTaken {
                    shape[i] = fromRows?.count ?? batch
                    batchTaken = true
                } else if let width, i == shape.count - 1 {
                    shape[i] = width
                } else {
                    throw V2PayloadError("input \(t.name) has shape \(t.shape): give its other variable dimensions with shapes: [\"\(t.name)\": [...]]")
                }
            }
            let count = shape.reduce(1) { $0.multipliedReportingOverflow(by: $1).overflow ? Int.max : $0 * $1 }
            guard count <= 64 << 20 else { throw V2PayloadError("input \(t.name) of shape \(shape) holds more than 64 Mi values") }
            var planned = PlannedTensor(name: t.name, datatype: t.datatype, shape: shape)
            if let given = fromRows?.flatMap({ $0 }) ?? values[t.name] {
                guard given.count == count else {
                    throw V2PayloadError("input \(t.name) of shape \(shape) takes \(count) values; \(fromRows != nil ? "the rows hold" : "values holds") \(given.count)")
                }
                if t.datatype == "BYTES" { planned.strings = given.map { String($0) } } else { planned.numbers = given }
            } else if t.datatype == "BYTES" {
                planned.strings = (0..<count).map { _ in fill.string(&rng) }
            } else {
                planned.numbers = (0..<count).map { _ in fill.number(for: t.datatype, &rng) }
            }
            return planned
        }
    }
}

/// How generated input values are chosen when no data is given.
public enum V2Fill: Sendable, Equatable {
    /// Uniform in [0, 1) for floating-point types, 0…9 for integers (0…1 for BOOL), a short
    /// word for BYTES. Seeded: the same seed gives the same values, so every call sends the same
    /// payload as perf_analyzer's random data does; vary the seed (an iteration number) for
    /// different ones.
    case random(seed: UInt64 = 0)
    /// Zeros (and empty strings).
    case zeros
    /// This number everywhere (its text for BYTES).
    case constant(Double)

    var seed: UInt64 {
        if case .random(let seed) = self { return seed ^ 0x5EED }
        return 0
    }

    func number(for datatype: String, _ g: inout SplitMix64) -> Double {
        switch self {
        case .zeros: return 0
        case .constant(let v): return v
        case .random:
            switch datatype {
            case "FP16", "BF16", "FP32", "FP64": return Double(Float(Double(g.next() >> 11) / Double(1 << 53)))
            case "BOOL": return Double(g.next() & 1)
            default: return Double(g.next() % 10)
            }
        }
    }

    func string(_ g: inout SplitMix64) -> String {
        switch self {
        case .zeros: return ""
        case .constant(let v): return String(v)
        case .random: return ["alpha", "bravo", "charlie", "delta", "echo"][Int(g.next() % 5)]
        }
    }
}

/// Why a payload could not be built from a model's metadata.
public struct V2PayloadError: Error, Sendable, CustomStringConvertible {
    public var description: String
    init(_ d: String) { description = d }
}
