/// A test's once-per-test and once-per-VU hooks (`LoadTest.setup` and friends).
public struct TestHooks: Sendable {
    public var setup: (@Sendable (VU) async throws -> (any Sendable)?)?
    public var teardown: (@Sendable (VU) async throws -> Void)?
    public var vuSetup: (@Sendable (VU) async throws -> Void)?
    public var vuTeardown: (@Sendable (VU) async throws -> Void)?

    public init(setup: (@Sendable (VU) async throws -> (any Sendable)?)? = nil,
                teardown: (@Sendable (VU) async throws -> Void)? = nil,
                vuSetup: (@Sendable (VU) async throws -> Void)? = nil,
                vuTeardown: (@Sendable (VU) async throws -> Void)? = nil) {
        self.setup = setup
        self.teardown = teardown
        self.vuSetup = vuSetup
        self.vuTeardown = vuTeardown
    }
}
