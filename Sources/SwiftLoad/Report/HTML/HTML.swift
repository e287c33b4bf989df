/// Small helpers for writing HTML by hand: every user or server string goes through `escape`.
enum HTML {
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default:
                // Control characters other than tab and newlines would make the file invalid.
                if c.value < 0x20 && c != "\t" && c != "\n" && c != "\r" { out += "\u{FFFD}" } else { out.unicodeScalars.append(c) }
            }
        }
        return out
    }

    /// A table: header cells, then rows of already-escaped cells. Columns listed in `numeric`
    /// are right-aligned.
    static func table(_ header: [String], _ rows: [[String]], numeric: Set<Int> = [], className: String = "") -> String {
        var out = "<table\(className.isEmpty ? "" : " class=\"\(className)\"")><thead><tr>"
        for (i, h) in header.enumerated() { out += "<th\(numeric.contains(i) ? " class=\"num\"" : "")>\(escape(h))</th>" }
        out += "</tr></thead><tbody>"
        for row in rows {
            out += "<tr>"
            for (i, cell) in row.enumerated() { out += "<td\(numeric.contains(i) ? " class=\"num\"" : "")>\(cell)</td>" }
            out += "</tr>"
        }
        return out + "</tbody></table>"
    }

    /// Milliseconds as the summary prints them.
    static func ms(_ v: Double) -> String { DurationFormat.milliseconds(v) }

    static func percent(_ rate: Double) -> String { NumberFormat.percent(rate) }

    static func count(_ n: Int) -> String { NumberFormat.grouped(n) }
}
