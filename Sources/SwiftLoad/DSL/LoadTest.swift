/// A load test written in Swift. Mark the type `@main` and run the file with
/// `swiftload run file.swift`:
///
///     import SwiftLoad
///     @main struct Quickstart: LoadTest {
///         static let options = Options(scenarios: ["browse": .constantVUs(10, duration: .seconds(30))])
///         static func iteration(_ vu: VU) async throws {
///             let r = try await vu.http.get("\(vu.env["TARGET", default: "http://127.0.0.1:8080"])/", name: "home")
///             vu.check(r, "status is 200") { $0.status == 200 }
///             try await vu.sleep(.milliseconds(100))
///         }
///     }
///
/// `iteration` runs on the virtual user's worker thread; an error it throws is counted as a
/// failed iteration and the VU carries on with the next one.
public protocol LoadTest: SendableMetatype {
    static var options: Options { get }
    static func iteration(_ vu: VU) async throws
}

extension LoadTest {
    public static var options: Options { Options() }

    /// The entry point `@main` uses: reads the run configuration `swiftload run` passes, runs the
    /// test, prints and writes the reports and exits with the run's exit code.
    public static func main() {
        ScriptMain.run(Self.self)
    }
}
