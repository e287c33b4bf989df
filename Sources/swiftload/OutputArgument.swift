/// `-o FORMAT=PATH` of the commands that write reports from saved results (`report`, `merge`).
enum OutputArgument {
    /// The pairs of `specs`, each format one of `allowed`; a one-line error otherwise.
    static func parse(_ specs: [String], allowed: [String]) throws -> [(format: String, path: String)] {
        try specs.map { spec in
            guard let eq = spec.firstIndex(of: "="), !spec[spec.index(after: eq)...].isEmpty else {
                throw CLIError("--out expects FORMAT=PATH, got '\(spec)'")
            }
            let format = String(spec[..<eq])
            guard allowed.contains(format) else {
                throw CLIError("--out: unknown format '\(format)' (known here: \(allowed.joined(separator: ", ")))")
            }
            return (format, String(spec[spec.index(after: eq)...]))
        }
    }
}
