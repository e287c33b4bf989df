import Foundation

/// Where the files a scenario compiles against live: `libSwiftLoad.so`, the `.swiftmodule`s
/// and the module maps of the C modules they reach (libcurl, nghttp2, epoll and OpenSSL shims,
/// swift-numerics' `_NumericsShims`, FlyingFox's `CSystemLinux`).
///
/// Two layouts are recognised, found relative to the `swiftload` executable so a copy can move:
/// - installed (`make install PREFIX=…`): `PREFIX/bin/swiftload` beside `PREFIX/lib/swiftload/`
///   holding `libSwiftLoad.so`, `Modules/` and `include/<Module>/module.modulemap`;
/// - a SwiftPM build folder: `libSwiftLoad.so` and `Modules/` next to the executable, module maps
///   in the package's `Sources/` and in the build's `checkouts/`.
/// `SWIFTLOAD_HOME` may point at an installed `lib/swiftload` folder instead.
struct SupportLayout {
    let libraryDir: String
    let modulesDir: String
    let moduleMaps: [String]

    /// Identifies the library build, so cached scenarios are rebuilt when it changes.
    var fingerprint: String {
        [libraryDir + "/libSwiftLoad.so", modulesDir + "/SwiftLoad.swiftmodule"].map { path in
            var st = stat()
            guard stat(path, &st) == 0 else { return path + ":missing" }
            return "\(path):\(st.st_size):\(st.st_mtim.tv_sec).\(st.st_mtim.tv_nsec)"
        }.joined(separator: "|")
    }

    static func locate() throws -> SupportLayout {
        let fm = FileManager.default
        if let home = ProcessInfo.processInfo.environment["SWIFTLOAD_HOME"], !home.isEmpty {
            guard let layout = installed(home) else {
                throw CLIError("SWIFTLOAD_HOME=\(home) does not hold libSwiftLoad.so, Modules/ and include/", code: 1)
            }
            return layout
        }
        let exe = (try? fm.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let exeDir = URL(fileURLWithPath: exe).deletingLastPathComponent().standardizedFileURL.path
        if let layout = installed(exeDir + "/../lib/swiftload") { return layout }
        if let layout = buildFolder(exeDir) { return layout }
        throw CLIError("cannot find libSwiftLoad.so and its modules next to \(exe): build with 'make' (or 'swift build'), or install with 'make install PREFIX=…'", code: 1)
    }

    private static func installed(_ dir: String) -> SupportLayout? {
        let root = URL(fileURLWithPath: dir).standardizedFileURL.path
        let fm = FileManager.default
        guard fm.fileExists(atPath: root + "/libSwiftLoad.so"),
              fm.fileExists(atPath: root + "/Modules/SwiftLoad.swiftmodule") else { return nil }
        let include = root + "/include"
        let maps = ((try? fm.contentsOfDirectory(atPath: include)) ?? []).sorted()
            .map { "\(include)/\($0)/module.modulemap" }
            .filter { fm.fileExists(atPath: $0) }
        return SupportLayout(libraryDir: root, modulesDir: root + "/Modules", moduleMaps: maps)
    }

    private static func buildFolder(_ exeDir: String) -> SupportLayout? {
        let fm = FileManager.default
        guard fm.fileExists(atPath: exeDir + "/libSwiftLoad.so"),
              fm.fileExists(atPath: exeDir + "/Modules/SwiftLoad.swiftmodule") else { return nil }
        // <scratch>/<triple>/<configuration>/swiftload: the package root holds Package.swift.
        var dir = URL(fileURLWithPath: exeDir)
        var root: String?
        for _ in 0..<6 {
            dir.deleteLastPathComponent()
            if fm.fileExists(atPath: dir.path + "/Package.swift"), fm.fileExists(atPath: dir.path + "/Sources/SwiftLoad") {
                root = dir.path
                break
            }
        }
        guard let root else { return nil }
        var maps = ((try? fm.contentsOfDirectory(atPath: root + "/Sources")) ?? []).sorted()
            .map { "\(root)/Sources/\($0)/module.modulemap" }
            .filter { fm.fileExists(atPath: $0) }
        let scratch = URL(fileURLWithPath: exeDir).deletingLastPathComponent().deletingLastPathComponent().path
        let numerics = scratch + "/checkouts/swift-numerics/Sources/_NumericsShims/include/module.modulemap"
        if fm.fileExists(atPath: numerics) { maps.append(numerics) }
        // FlyingFox's socket shims (the dashboard's server).
        let socketShims = scratch + "/checkouts/FlyingFox/CSystemLinux/include/module.modulemap"
        if fm.fileExists(atPath: socketShims) { maps.append(socketShims) }
        return SupportLayout(libraryDir: exeDir, modulesDir: exeDir + "/Modules", moduleMaps: maps)
    }
}
