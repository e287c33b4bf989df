import Foundation
import Synchronization

/// Hands out loopback TCP ports below 32768 (the ephemeral range starts there), checked free by
/// binding them first. Each test process starts at its own offset so parallel runs rarely meet.
public enum Ports {
    private static let next = Mutex<Int>(20000 + Int(getpid() % 400) * 25)

    public static func free() -> Int {
        while true {
            let port = next.withLock { p -> Int in
                p += 1
                if p >= 32000 { p = 20000 }
                return p
            }
            if isFree(port) { return port }
        }
    }

    static func isFree(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = UInt16(port).bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}
