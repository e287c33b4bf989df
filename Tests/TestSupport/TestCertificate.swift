import Foundation

/// A self-signed P-256 certificate for the test servers' TLS ports (127.0.0.1 and localhost),
/// valid for two days: `cert.pem` and `key.pem` in the given folder.
public enum TestCertificate {
    public static func make(dir: String) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        p.arguments = ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                       "-keyout", dir + "/key.pem", "-out", dir + "/cert.pem", "-days", "2",
                       "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw TestFailure("openssl could not make a certificate") }
    }
}
