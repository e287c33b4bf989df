import Foundation

/// Number formatting for the console: grouped digits, byte sizes, percentages.
enum NumberFormat {
    static func grouped(_ n: Int) -> String {
        let digits = String(abs(n))
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return n < 0 ? "-" + out : out
    }

    static func bytes(_ n: Int) -> String {
        let units = ["B", "kB", "MB", "GB", "TB"]
        var v = Double(n)
        var u = 0
        while v >= 1000 && u < units.count - 1 { v /= 1000; u += 1 }
        return u == 0 ? "\(n) B" : String(format: "%.1f %@", v, units[u])
    }

    static func percent(_ fraction: Double) -> String {
        String(format: "%.2f%%", fraction * 100)
    }

    /// Any value a server reports: whole numbers grouped, others to four significant digits,
    /// huge or non-finite ones as printf's `%g` writes them (never a trap).
    static func value(_ v: Double) -> String {
        if v.isFinite && v == v.rounded() && abs(v) < 1e15 { return grouped(Int(v)) }
        return String(format: "%.4g", v)
    }

    static func rate(_ r: Double) -> String {
        r >= 100 ? grouped(Int(r.rounded())) : String(format: "%.1f", r)
    }
}
