import Foundation

/// The JSON body of an Open Inference Protocol (KServe V2) REST inference request,
/// `POST /v2/models/{model}/infer`, as MLServer, Triton and KServe accept it.
///
///     let body = V2InferenceRequest.fp32(rows: [[5.1, 3.5, 1.4, 0.2]])
///     let r = try await vu.http.post(base + "/v2/models/iris/infer", json: body, name: "infer")
///     let classes = try r.json(V2InferenceResponse.self).output()?.int64Values
public struct V2InferenceRequest: Codable, Sendable, Equatable {
    public struct Input: Codable, Sendable, Equatable {
        public var name: String
        public var shape: [Int]
        public var datatype: String
        /// Row-major, flattened.
        public var data: V2TensorData

        public init(name: String, shape: [Int], datatype: String, data: V2TensorData) {
            self.name = name
            self.shape = shape
            self.datatype = datatype
            self.data = data
        }
    }

    /// An output the caller asks for by name (all outputs when the list is absent).
    public struct RequestedOutput: Codable, Sendable, Equatable {
        public var name: String
        public init(name: String) { self.name = name }
    }

    public var id: String?
    public var inputs: [Input]
    public var outputs: [RequestedOutput]?

    public init(id: String? = nil, inputs: [Input], outputs: [String]? = nil) {
        self.id = id
        self.inputs = inputs
        self.outputs = outputs?.map(RequestedOutput.init)
    }

    /// One FP32 input of shape `[rows, width]`: a batch of feature rows. The values travel as
    /// JSON numbers; the server reads them as float32.
    public static func fp32(input: String = "input-0", rows: [[Double]], id: String? = nil,
                            outputs: [String]? = nil) -> V2InferenceRequest {
        let width = rows.first?.count ?? 0
        return V2InferenceRequest(id: id, inputs: [Input(name: input, shape: [rows.count, width], datatype: "FP32",
                                                         data: .numbers(rows.flatMap { $0 }))],
                                  outputs: outputs)
    }
}

/// The JSON body of a V2 REST inference response.
public struct V2InferenceResponse: Codable, Sendable, Equatable {
    public struct Output: Codable, Sendable, Equatable {
        public var name: String
        public var shape: [Int]
        public var datatype: String
        public var data: V2TensorData

        /// The values as integers (INT64 outputs such as a classifier's predicted class); nil for
        /// text data or numbers with a fraction.
        public var int64Values: [Int64]? {
            guard case .numbers(let v) = data else { return nil }
            let ints = v.compactMap { $0.rounded() == $0 ? Int64(exactly: $0) : nil }
            return ints.count == v.count ? ints : nil
        }

        /// The values as numbers; nil for text data.
        public var numbers: [Double]? {
            if case .numbers(let v) = data { return v }
            return nil
        }
    }

    public var modelName: String
    public var modelVersion: String?
    public var id: String?
    public var outputs: [Output]

    enum CodingKeys: String, CodingKey {
        case modelName = "model_name", modelVersion = "model_version", id, outputs
    }

    /// The output named `name` (the first output when nil).
    public func output(_ name: String? = nil) -> Output? {
        name.map { n in outputs.first { $0.name == n } } ?? outputs.first
    }
}

/// A tensor's `data`: numbers or strings, flattened row-major whether it arrived flat or nested.
public enum V2TensorData: Codable, Sendable, Equatable {
    case numbers([Double])
    case strings([String])

    public init(from decoder: any Decoder) throws {
        var numbers: [Double] = [], strings: [String] = []
        var stack = [try decoder.unkeyedContainer()]
        // Walks nested arrays depth-first, keeping the row-major order.
        while var container = stack.popLast() {
            guard !container.isAtEnd else { continue }
            if let nested = try? container.nestedUnkeyedContainer() {
                stack.append(container)
                stack.append(nested)
            } else if let d = try? container.decode(Double.self) {
                numbers.append(d)
                stack.append(container)
            } else if let b = try? container.decode(Bool.self) {
                numbers.append(b ? 1 : 0)
                stack.append(container)
            } else {
                strings.append(try container.decode(String.self))
                stack.append(container)
            }
        }
        guard numbers.isEmpty || strings.isEmpty else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "tensor data mixes numbers and strings"))
        }
        self = strings.isEmpty ? .numbers(numbers) : .strings(strings)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .numbers(let v): try c.encode(v)
        case .strings(let v): try c.encode(v)
        }
    }
}
