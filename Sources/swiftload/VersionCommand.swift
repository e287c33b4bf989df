import ArgumentParser
import CCurl
import CNghttp2
import SwiftLoad

/// `swiftload version`: the tool's version and the libraries it drives.
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version", abstract: "Print the version of swiftload and of the libraries it uses.")

    static var versionLine: String {
        var curl = "?"
        if let info = curl_version_info(SL_CURLVERSION_NOW), let v = info.pointee.version { curl = String(cString: v) }
        var h2 = "?"
        if let info = nghttp2_version(0), let v = info.pointee.version_str { h2 = String(cString: v) }
        return "swiftload \(SwiftLoadVersion.current) (libcurl \(curl), nghttp2 \(h2))"
    }

    func run() {
        print(Self.versionLine)
    }
}
