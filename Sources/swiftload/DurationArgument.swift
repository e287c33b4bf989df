import ArgumentParser
import SwiftLoad

/// A `--duration` value such as `30s`, `1m30s` or `500ms`.
struct DurationArgument: ExpressibleByArgument {
    let value: Duration

    init(value: Duration) {
        self.value = value
    }

    init?(argument: String) {
        guard let d = try? DurationFormat.parse(argument) else { return nil }
        value = d
    }

    static var defaultCompletionKind: CompletionKind { .default }
}
