/// The variables a scenario reads with `vu.env`: the process environment overlaid with the
/// `--env KEY=VALUE` options, so a scenario can be pointed at another target without editing it
/// (`TARGET` is the convention for the base URL).
public struct Environment: Sendable {
    public let values: [String: String]

    public init(_ values: [String: String]) {
        // Scripts look variables up in every iteration. A dictionary at its usual fill (up to
        // 3/4) probed ~5 other keys per lookup here, each a string comparison; at under 1/4 a
        // lookup rarely meets another key.
        var spacious = [String: String](minimumCapacity: values.count * 4)
        for (k, v) in values { spacious[k] = v }
        self.values = spacious
    }

    public subscript(key: String) -> String? { values[key] }

    public subscript(key: String, default fallback: @autoclosure () -> String) -> String {
        values[key] ?? fallback()
    }

    /// The process environment with `overrides` on top.
    static func current(overrides: [String: String]) -> Environment {
        var all: [String: String] = [:]
        var p = environ
        while let entry = p.pointee {
            let s = String(cString: entry)
            if let eq = s.firstIndex(of: "=") {
                all[String(s[..<eq])] = String(s[s.index(after: eq)...])
            }
            p += 1
        }
        for (k, v) in overrides { all[k] = v }
        return Environment(all)
    }
}

#if canImport(Glibc)
import Glibc
#endif
