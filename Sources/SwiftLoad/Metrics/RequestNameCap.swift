import Synchronization

/// Bounds the number of distinct request names a run records, across all workers.
///
/// The default name is the URL without its query, so a REST path with ids in it (`/item/123`)
/// would make every id a series of its own and memory would grow with the ids. Past the cap, new
/// names are counted under one overflow series and the run warns once, with an example.
final class RequestNameCap: Sendable {
    /// Where requests past the cap are counted.
    static let overflowName = "(other names)"

    let limit: Int
    private let state = Mutex<State>(State())

    private struct State {
        var admitted: Set<String> = []
        var firstOverflow: (name: String, url: String)?
        var overflowed = 0
    }

    init(limit: Int) { self.limit = limit }

    /// `name` when it is admitted (already, or now while under the cap), else `overflowName`.
    func admit(_ name: String, url: String) -> String {
        state.withLock { s in
            if s.admitted.contains(name) { return name }
            if s.admitted.count < limit {
                s.admitted.insert(name)
                return name
            }
            if s.firstOverflow == nil { s.firstOverflow = (name, URLCredentials.masked(url)) }
            s.overflowed += 1
            return Self.overflowName
        }
    }

    /// The warning to give once the cap was reached, or nil.
    var warning: String? {
        state.withLock { s in
            guard let first = s.firstOverflow else { return nil }
            return "more than \(limit) distinct request names: later ones are counted under \"\(Self.overflowName)\""
                + " (first: \(first.url)); group URLs with `name:`, e.g. vu.http.get(url, name: \"/item/{id}\"),"
                + " or raise Options(maxRequestNames:)"
        }
    }
}
