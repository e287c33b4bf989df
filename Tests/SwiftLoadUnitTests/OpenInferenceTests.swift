import Foundation
import SwiftProtobuf
import Testing
@testable import SwiftLoad

/// The bytes MLServer 1.7.1 sent and accepted, captured on the wire: the generated types and the
/// helpers must produce and read exactly these.
@Suite struct OpenInferenceTests {
    static func hex(_ s: String) -> [UInt8] {
        stride(from: 0, to: s.count, by: 2).map { i in
            let a = s.index(s.startIndex, offsetBy: i)
            return UInt8(s[a..<s.index(a, offsetBy: 2)], radix: 16)!
        }
    }

    static let request = hex("0a04697269732a270a07696e7075742d301204465033321a0201042a1232103333a340000060403333b33fcdcc4c3e")
    static let rawRequest = hex("0a04697269732a130a07696e7075742d301204465033321a0201043a103333a340000060403333b33fcdcc4c3e")
    static let response = hex("0a0469726973120276312a2f0a07707265646963741205494e5436341a02010122140a0c636f6e74656e745f7479706512041a026e702a031a0100")

    @Test func requestWithTypedContentsMatchesTheWire() throws {
        let r = Inference_ModelInferRequest(model: "iris", inputs: [
            InferInput(name: "input-0", shape: [1, 4], values: .fp32([5.1, 3.5, 1.4, 0.2])),
        ])
        #expect(try r.serializedBytes() as [UInt8] == Self.request)
        #expect(Self.request.count == 47)
        #expect(try Inference_ModelInferRequest.fp32(model: "iris", rows: [[5.1, 3.5, 1.4, 0.2]]).serializedBytes() as [UInt8] == Self.request)
    }

    @Test func requestWithRawContentsMatchesTheWire() throws {
        let r = Inference_ModelInferRequest(model: "iris", inputs: [
            InferInput(name: "input-0", shape: [1, 4], values: .fp32([5.1, 3.5, 1.4, 0.2])),
        ], raw: true)
        #expect(try r.serializedBytes() as [UInt8] == Self.rawRequest)
    }

    @Test func responseDecodesToThePrediction() throws {
        let r = try Inference_ModelInferResponse(serializedBytes: Self.response)
        #expect(r.modelName == "iris")
        #expect(r.modelVersion == "v1")
        #expect(r.output()?.name == "predict")
        #expect(r.output("predict")?.datatype == "INT64")
        #expect(r.output()?.shape == [1, 1])
        #expect(r.output()?.parameters["content_type"]?.stringParam == "np")
        #expect(r.int64Values() == [0])
        #expect(r.int64Values("nope") == nil)
    }

    @Test func rawOutputsAreReadLittleEndian() throws {
        var r = Inference_ModelInferResponse()
        var o = Inference_ModelInferResponse.InferOutputTensor()
        o.name = "scores"
        o.datatype = "FP64"
        r.outputs = [o]
        var raw = Data()
        for v in [1.5, -2.25] { withUnsafeBytes(of: v.bitPattern.littleEndian) { raw.append(contentsOf: $0) } }
        r.rawOutputContents = [raw]
        #expect(r.fp64Values("scores") == [1.5, -2.25])
        #expect(TensorValues.int64([1, -1]).rawBytes == Data([1, 0, 0, 0, 0, 0, 0, 0, 255, 255, 255, 255, 255, 255, 255, 255]))
    }
}

@Suite struct GRPCFramingTests {
    @Test func framesAndUnframesOneMessage() throws {
        let framed = GRPCFraming.frame([1, 2, 3])
        #expect(framed == [0, 0, 0, 0, 3, 1, 2, 3])
        #expect(try GRPCFraming.unaryMessage(framed, limit: 10) == [1, 2, 3])
        #expect(try GRPCFraming.unaryMessage([], limit: 10) == nil)
        #expect(try GRPCFraming.unaryMessage([0, 0, 0, 0, 0], limit: 10) == [])
    }

    @Test func rejectsBrokenFrames() {
        #expect(throws: GRPCFraming.Failure.truncated(expected: 5, got: 3)) { try GRPCFraming.unaryMessage([0, 0, 0], limit: 10) }
        #expect(throws: GRPCFraming.Failure.truncated(expected: 105, got: 8)) { try GRPCFraming.unaryMessage([0, 0, 0, 0, 100, 1, 2, 3], limit: 1000) }
        #expect(throws: GRPCFraming.Failure.compressedWithoutEncoding) { try GRPCFraming.unaryMessage([1, 0, 0, 0, 0], limit: 10) }
        #expect(throws: GRPCFraming.Failure.tooLarge(size: 100, limit: 10)) { try GRPCFraming.unaryMessage([0, 0, 0, 0, 100], limit: 10) }
        #expect(throws: GRPCFraming.Failure.trailingBytes(2)) { try GRPCFraming.unaryMessage([0, 0, 0, 0, 1, 9, 8, 7], limit: 10) }
    }

    @Test func timeoutsUseTheWireFormat() {
        #expect(GRPCFraming.timeoutHeader(.milliseconds(50)) == "50000u")
        #expect(GRPCFraming.timeoutHeader(.seconds(2)) == "2000m")
        #expect(GRPCFraming.timeoutHeader(.seconds(200_000)) == "200000S")
    }

    @Test func statusNamesAndTargets() {
        #expect(GRPCStatusCode.unavailable.name == "UNAVAILABLE")
        #expect(GRPCStatusCode(rawValue: 42).name == "CODE_42")
        #expect(ErrorClass.grpc(.deadlineExceeded).rawValue == "grpc_deadline_exceeded")
        #expect(ErrorClass.grpc(.notFound).label == "gRPC NOT_FOUND")
        #expect(GRPCCall.httpURL("127.0.0.1:8081") == "http://127.0.0.1:8081")
        #expect(GRPCCall.httpURL("grpcs://h:443/") == "https://h:443")
        #expect(PercentDecoding.decoded("a%20b%3Ac") == "a b:c")
    }
}

/// The V2 REST JSON bodies, against the exact bytes MLServer accepts and sends.
@Suite struct V2RESTMessageTests {
    @Test func requestEncodesAsMLServerExpects() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let body = try encoder.encode(V2InferenceRequest.fp32(rows: [[5.1, 3.5, 1.4, 0.2]]))
        #expect(String(decoding: body, as: UTF8.self)
                == #"{"inputs":[{"data":[5.1,3.5,1.4,0.2],"datatype":"FP32","name":"input-0","shape":[1,4]}]}"#)
        let asked = try encoder.encode(V2InferenceRequest.fp32(rows: [[1, 2], [3, 4]], id: "r1", outputs: ["predict_proba"]))
        #expect(String(decoding: asked, as: UTF8.self)
                == #"{"id":"r1","inputs":[{"data":[1,2,3,4],"datatype":"FP32","name":"input-0","shape":[2,2]}],"outputs":[{"name":"predict_proba"}]}"#)
    }

    @Test func responseDecodesFlatAndNestedData() throws {
        let mlserver = #"{"model_name":"iris","model_version":"v1","id":"a1","parameters":{},"outputs":[{"name":"predict","shape":[1,1],"datatype":"INT64","parameters":{"content_type":"np"},"data":[0]}]}"#
        let r = try JSONDecoder().decode(V2InferenceResponse.self, from: Data(mlserver.utf8))
        #expect(r.modelName == "iris" && r.modelVersion == "v1" && r.id == "a1")
        #expect(r.output()?.int64Values == [0])
        #expect(r.output("predict")?.shape == [1, 1])
        let nested = #"{"model_name":"m","outputs":[{"name":"p","shape":[2,3],"datatype":"FP64","data":[[0.5,0.25,0.25],[1,0,0]]},{"name":"t","shape":[2],"datatype":"BYTES","data":["a","b"]}]}"#
        let n = try JSONDecoder().decode(V2InferenceResponse.self, from: Data(nested.utf8))
        #expect(n.output("p")?.numbers == [0.5, 0.25, 0.25, 1, 0, 0])
        #expect(n.output("p")?.int64Values == nil)
        #expect(n.output("t")?.data == .strings(["a", "b"]))
        #expect(n.output("t")?.int64Values == nil)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(V2TensorData.self, from: Data(#"[1,"a"]"#.utf8))
        }
    }
}
