extension VU {
    /// Runs `body` as the group `name`: requests and checks inside are named `name::…` in the
    /// metrics (groups nest: `checkout::payment::…`), and the group's duration is recorded as
    /// `group_duration`.
    ///
    ///     try await vu.group("login") {
    ///         _ = try await vu.http.post(base + "/login", json: credentials)
    ///     }
    nonisolated(nonsending) public func group<T>(_ name: String, _ body: () async throws -> T) async rethrows -> T {
        let outer = groupPath
        groupPath = outer.isEmpty ? name : "\(outer)::\(name)"
        let start = MonotonicClock.now()
        defer {
            context.recorder.recordGroup(GroupKey(path: groupPath, scenario: scenario),
                                         nanoseconds: MonotonicClock.now() &- start)
            groupPath = outer
        }
        return try await body()
    }
}
