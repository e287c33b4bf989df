/// What one set of request metrics belongs to: the request's name, the group it ran in, its
/// scenario and its tags. Reports add series up by name; thresholds by any of these.
struct SeriesKey: Hashable, Sendable {
    var name: String
    /// The group path (`login::submit`), empty outside groups.
    var group: String
    var scenario: String
    /// Scenario and request tags, sorted by key.
    var tags: [Tag]

    struct Tag: Hashable, Sendable {
        var key: String
        var value: String
    }

    /// How tables show it: `group::name` inside a group.
    var displayName: String { group.isEmpty ? name : "\(group)::\(name)" }

    /// The value of a filter tag: `name`, `group`, `scenario`, or a custom tag.
    func value(of tag: String) -> String? {
        switch tag {
        case "name": return name
        case "group": return group
        case "scenario": return scenario
        default: return tags.first { $0.key == tag }?.value
        }
    }

    static func tags(_ scenario: [String: String], _ request: [String: String]) -> [Tag] {
        if scenario.isEmpty && request.isEmpty { return [] }
        var all = scenario
        all.merge(request) { _, r in r }
        return all.map { Tag(key: $0.key, value: $0.value) }.sorted { $0.key < $1.key }
    }
}

/// A named check, where it ran.
struct CheckKey: Hashable, Sendable {
    var name: String
    var group: String
    var scenario: String

    var displayName: String { group.isEmpty ? name : "\(group)::\(name)" }
}

/// A group, where it ran.
struct GroupKey: Hashable, Sendable {
    var path: String
    var scenario: String
}

/// A VU's handle on one series: its key, and the current interval's metrics for it, found once
/// per interval rather than hashed per request.
final class SeriesSlot {
    let key: SeriesKey
    private var recorder: UInt64 = 0
    private var metrics: RequestMetrics?

    init(_ key: SeriesKey) { self.key = key }

    /// The metrics for this series in `recorder` (the worker's current interval).
    @inline(__always)
    func metrics(in recorder: Recorder) -> RequestMetrics {
        if recorder.serial == self.recorder, let m = metrics { return m }
        let m = recorder.request(key)
        self.recorder = recorder.serial
        metrics = m
        return m
    }
}
