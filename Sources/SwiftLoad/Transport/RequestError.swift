/// Why a request failed: a class the report groups by and the message behind it.
public struct RequestError: Error, Sendable, Equatable, CustomStringConvertible {
    public var errorClass: ErrorClass
    public var message: String

    public init(_ errorClass: ErrorClass, _ message: String) {
        self.errorClass = errorClass
        self.message = message
    }

    public var description: String { "\(errorClass.label): \(message)" }
}
