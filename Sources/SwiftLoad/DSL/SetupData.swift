/// What a test's `setup` returned, handed to every VU as `vu.setupData`.
public struct SetupData: Sendable {
    public let value: (any Sendable)?

    public init(_ value: (any Sendable)?) { self.value = value }

    /// The value as `T`; throws a clear error when setup returned something else (or nothing).
    public func get<T>(_ type: T.Type = T.self) throws -> T {
        guard let v = value as? T else {
            throw SetupDataError(expected: String(describing: T.self),
                                 found: value.map { String(describing: Swift.type(of: $0)) } ?? "nothing")
        }
        return v
    }
}

public struct SetupDataError: Error, CustomStringConvertible {
    public var expected: String
    public var found: String
    public var description: String { "setupData is \(found), not \(expected)" }
}
