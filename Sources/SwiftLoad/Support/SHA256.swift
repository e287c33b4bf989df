import COpenSSL
import Foundation

/// SHA-256 through OpenSSL, as lowercase hex: what identifies a script (`run.scriptHash`), a
/// run's options (`run.optionsHash`) and a cached build.
public enum SHA256 {
    public static func hex(_ data: Data) -> String {
        var digest = [UInt8](repeating: 0, count: 32)
        _ = data.withUnsafeBytes { sl_sha256($0.baseAddress, $0.count, &digest) }
        return digest.map { String(format: "%02x", $0) }.joined()
    }
}
