import Foundation
import Testing
@testable import SwiftLoad

/// Payloads built from a model's V2 metadata: shapes resolved (the batch dimension, fixed ones),
/// values from rows, by input or generated, every datatype in gRPC's typed fields and packed raw,
/// and a clear error for what cannot be built.
struct V2ModelMetadataTests {
    /// What MLServer answers for the lab's iris model (GET /v2/models/iris).
    static let mlserverJSON = #"""
        {"name":"iris","versions":[],"platform":"","inputs":[{"name":"input-0","datatype":"FP32","shape":[-1,4],"parameters":{"content_type":"np"}}],
         "outputs":[{"name":"predict","datatype":"INT64","shape":[-1,1]}],"parameters":{"content_type":"np"}}
        """#

    @Test func restPayloadsFollowTheMetadata() throws {
        let model = try JSONDecoder().decode(V2ModelMetadata.self, from: Data(Self.mlserverJSON.utf8))
        #expect(model.inputs == [.init(name: "input-0", datatype: "FP32", shape: [-1, 4])])
        let generated = try model.restRequest(batch: 8)
        #expect(generated.inputs.count == 1)
        #expect(generated.inputs[0].shape == [8, 4] && generated.inputs[0].datatype == "FP32")
        guard case .numbers(let values) = generated.inputs[0].data else { Issue.record("numbers expected"); return }
        #expect(values.count == 32 && values.allSatisfy { $0 >= 0 && $0 < 1 })
        #expect(try model.restRequest(batch: 8) == generated, "the same seed gives the same payload")
        #expect(try model.restRequest(batch: 8, fill: .random(seed: 1)) != generated)
        let rows = try model.restRequest(rows: [[5.1, 3.5, 1.4, 0.2], [6.2, 3.4, 5.4, 2.3]])
        #expect(rows.inputs[0].shape == [2, 4] && rows.inputs[0].data == .numbers([5.1, 3.5, 1.4, 0.2, 6.2, 3.4, 5.4, 2.3]))
        #expect(try model.restRequest(fill: .zeros).inputs[0].data == .numbers([0, 0, 0, 0]))
    }

    @Test func grpcPayloadsUseTheTypedFieldOfEachDatatypeOrRawBytes() throws {
        let model = V2ModelMetadata(name: "m", inputs: [
            .init(name: "f", datatype: "FP32", shape: [-1, 2]), .init(name: "d", datatype: "FP64", shape: [2]),
            .init(name: "i", datatype: "INT32", shape: [-1]), .init(name: "l", datatype: "INT64", shape: [1]),
            .init(name: "u", datatype: "UINT8", shape: [1]), .init(name: "b", datatype: "BOOL", shape: [2]),
            .init(name: "s", datatype: "BYTES", shape: [1]),
        ])
        let r = try model.grpcRequest(batch: 3, values: ["d": [1.5, 2.5], "i": [1, -2, 300], "l": [7], "u": [300], "b": [0, 1]],
                                      fill: .constant(4))
        #expect(r.modelName == "m" && r.inputs.map(\.name) == ["f", "d", "i", "l", "u", "b", "s"])
        #expect(r.inputs[0].shape == [3, 2] && r.inputs[0].contents.fp32Contents == [4, 4, 4, 4, 4, 4])
        #expect(r.inputs[1].contents.fp64Contents == [1.5, 2.5])
        #expect(r.inputs[2].shape == [3] && r.inputs[2].contents.intContents == [1, -2, 300])
        #expect(r.inputs[3].contents.int64Contents == [7])
        #expect(r.inputs[4].contents.uintContents == [300])
        #expect(r.inputs[5].contents.boolContents == [false, true])
        #expect(r.inputs[6].contents.bytesContents == [Data("4.0".utf8)])
        #expect(r.rawInputContents.isEmpty)

        let raw = try model.grpcRequest(batch: 1, values: ["d": [1.5, 2.5], "i": [-2], "l": [7], "u": [300], "b": [0, 1]],
                                        fill: .constant(4), raw: true)
        #expect(raw.rawInputContents.count == 7 && raw.inputs.allSatisfy { !$0.hasContents })
        #expect(raw.rawInputContents[2] == Data([0xFE, 0xFF, 0xFF, 0xFF]), "INT32 -2, little-endian")
        #expect(raw.rawInputContents[4] == Data([0xFF]), "UINT8 clamps 300")
        #expect(raw.rawInputContents[6] == Data([3, 0, 0, 0]) + Data("4.0".utf8), "BYTES: a 4-byte length, then the bytes")
        // FP16 has no typed field: the whole request goes raw.
        let half = try V2ModelMetadata(name: "h", inputs: [.init(name: "x", datatype: "FP16", shape: [1])]).grpcRequest(fill: .constant(1))
        #expect(half.rawInputContents == [Data([0x00, 0x3C])])
    }

    @Test(arguments: [
        (V2ModelMetadata(name: "bare", inputs: []), "declares no inputs"),
        (V2ModelMetadata(name: "two", inputs: [.init(name: "a", datatype: "FP32", shape: [-1, -1, 3])]), "other variable dimensions"),
        (V2ModelMetadata(name: "odd", inputs: [.init(name: "a", datatype: "FP8", shape: [1])]), "does not define"),
    ])
    func whatCannotBeBuiltIsAClearError(model: V2ModelMetadata, message: String) {
        #expect { try model.restRequest() } throws: { "\($0)".contains(message) }
    }

    @Test func dataThatDoesNotFitTheShapeIsAClearError() throws {
        let model = try JSONDecoder().decode(V2ModelMetadata.self, from: Data(Self.mlserverJSON.utf8))
        #expect { try model.restRequest(rows: [[1, 2, 3]]) } throws: { "\($0)".contains("input-0 of shape [1, 4] takes 4 values; the rows hold 3") }
        #expect { try model.restRequest(values: ["nope": [1]]) } throws: { "\($0)".contains("has no input nope") }
        #expect { try model.restRequest(batch: 0) } throws: { "\($0)".contains("batch must be") }
        #expect { try model.restRequest(values: ["input-0": [1, 2]]) } throws: { "\($0)".contains("takes 4 values; values holds 2") }
        // A fixed shape for a variable dimension.
        let fixed = try model.restRequest(shapes: ["input-0": [2, 4]])
        #expect(fixed.inputs[0].shape == [2, 4])
    }
}
