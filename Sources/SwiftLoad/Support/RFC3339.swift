import Foundation

/// Wall-clock times as results and `--start-at` write them: RFC 3339 in UTC, with fractional
/// seconds when written, with or without them when read.
public enum RFC3339 {
    public static func string(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.string(from: date)
    }

    public static func date(_ text: String) -> Date? {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let d = f.date(from: text) { return d }
        return ISO8601DateFormatter().date(from: text)
    }
}
