import Foundation

/// Where a scenario process learns its segment and start time when no flag gives them: in a
/// Kubernetes Indexed Job or from a launcher such as Ray, the same executable runs in every pod
/// and the environment tells each one its part.
///
/// - `SWIFTLOAD_SEGMENT`: a segment as `--segment` takes it (`2/4`, `1/4:2/4`).
/// - `JOB_COMPLETION_INDEX` (set by Kubernetes, from 0) with `SWIFTLOAD_SEGMENT_COUNT` (the
///   Job's `completions`): pod i runs segment i+1 of n.
/// - `SWIFTLOAD_START_AT`: the start time, as `--start-at` takes it.
public enum SegmentEnvironment {
    /// The segment the environment names, nil when it names none.
    public static func segment(_ env: [String: String]) -> Result<ExecutionSegment?, ConfigurationError> {
        if let text = env["SWIFTLOAD_SEGMENT"], !text.isEmpty {
            return ExecutionSegment.parse(text).map { $0 }.mapError {
                ConfigurationError(["SWIFTLOAD_SEGMENT: " + $0.description.replacingOccurrences(of: "--segment ", with: "")])
            }
        }
        guard let index = env["JOB_COMPLETION_INDEX"], !index.isEmpty else { return .success(nil) }
        guard let i = Int(index), i >= 0 else {
            return .failure(ConfigurationError(["JOB_COMPLETION_INDEX must be a whole number from 0 (got '\(index)')"]))
        }
        guard let countText = env["SWIFTLOAD_SEGMENT_COUNT"], let n = Int(countText) else {
            return .failure(ConfigurationError(["JOB_COMPLETION_INDEX is set but SWIFTLOAD_SEGMENT_COUNT is not a number: set it to the Job's completions so each pod runs its part of the test"]))
        }
        guard n >= 1, n <= ExecutionSegment.maxLanes, i < n else {
            return .failure(ConfigurationError(["JOB_COMPLETION_INDEX \(i) is not below SWIFTLOAD_SEGMENT_COUNT \(n)"]))
        }
        return .success(ExecutionSegment(lanes: n, from: i, to: i + 1))
    }

    /// The start time the environment names (seconds since 1970), nil when it names none.
    public static func startAt(_ env: [String: String]) -> Result<Double?, ConfigurationError> {
        guard let text = env["SWIFTLOAD_START_AT"], !text.isEmpty else { return .success(nil) }
        return StartBarrier.parse(text).map { $0 }.mapError {
            ConfigurationError(["SWIFTLOAD_START_AT: " + $0.description.replacingOccurrences(of: "--start-at ", with: "")])
        }
    }
}
