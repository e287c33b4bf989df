/// How the reports write numbers, for tests that read a report's text without importing the
/// library's internals.
public enum ReportText {
    /// 12345 → "12,345", as the reports write counts.
    public static func grouped(_ n: Int) -> String {
        var s = String(n), out = ""
        while s.count > 3 { out = "," + s.suffix(3) + out; s.removeLast(3) }
        return s + out
    }
}
