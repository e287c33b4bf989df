import Foundation
import SwiftLoad

/// Compiles a scenario file into an executable linked against `libSwiftLoad.so` and caches it
/// under a hash of the script, the tool version, the compiler, the flags and the library build.
///
/// The file is compiled from the path the user gave, in the user's working directory, so the
/// compiler's diagnostics name their own file and line.
struct ScriptCompiler {
    let layout: SupportLayout
    var verbose = false
    var quiet = false

    /// The cached or freshly built executable for `script`.
    func binary(for script: String, rebuild: Bool) throws -> String {
        guard let source = FileManager.default.contents(atPath: script) else {
            let reason = FileManager.default.fileExists(atPath: script) ? "permission denied" : "no such file"
            throw CLIError("cannot read scenario '\(script)': \(reason)")
        }
        let swiftc = try Self.locateSwiftc()
        let flags = compileFlags(source: source)
        var keyMaterial = Data()
        for part in [SwiftLoadVersion.current, swiftc, layout.fingerprint] + flags {
            keyMaterial.append(contentsOf: Array(part.utf8) + [0])
        }
        keyMaterial.append(source)
        let key = SHA256.hex(keyMaterial)
        let dir = Self.cacheDirectory() + "/scripts"
        let binary = "\(dir)/\(key)"
        if !rebuild && FileManager.default.isExecutableFile(atPath: binary) {
            if verbose { FileHandle.standardError.write(Data("using cached build \(binary)\n".utf8)) }
            return binary
        }
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        } catch {
            throw CLIError("cannot create the cache folder \(dir): \(error.localizedDescription)", code: 1)
        }
        let tmp = "\(binary).\(getpid()).tmp"
        let args = flags + ["-o", tmp, script]
        if verbose {
            FileHandle.standardError.write(Data("\(swiftc) \(args.joined(separator: " "))\n".utf8))
        } else if !quiet {
            FileHandle.standardError.write(Data("compiling \(script) …\n".utf8))
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: swiftc)
        process.arguments = args
        do {
            try process.run()
        } catch {
            throw CLIError("cannot run the Swift compiler \(swiftc): \(error.localizedDescription)", code: 1)
        }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            unlink(tmp)
            throw CLIError("scenario '\(script)' does not compile (see the errors above)")
        }
        guard rename(tmp, binary) == 0 else {
            throw CLIError("cannot store the compiled scenario in \(dir): \(String(cString: strerror(errno)))", code: 1)
        }
        return binary
    }

    /// swiftc's arguments apart from the output and the input file.
    func compileFlags(source: Data) -> [String] {
        var flags: [String] = []
        // A @main type needs library mode; a file of top-level code must not have it.
        if source.range(of: Data("@main".utf8)) != nil { flags.append("-parse-as-library") }
        flags += ["-swift-version", "6", "-O", "-module-name", "SwiftLoadScenario", "-I", layout.modulesDir]
        // A scenario's async functions run where their caller runs: on the VU's worker thread,
        // with no executor hop on entry (SE-0461).
        flags += ["-enable-upcoming-feature", "NonisolatedNonsendingByDefault"]
        for map in layout.moduleMaps { flags += ["-Xcc", "-fmodule-map-file=\(map)"] }
        flags += ["-L", layout.libraryDir, "-lSwiftLoad", "-Xlinker", "-rpath", "-Xlinker", layout.libraryDir]
        return flags
    }

    /// `$SWIFTLOAD_CACHE_DIR`, else `$XDG_CACHE_HOME/swiftload`, else `~/.cache/swiftload`.
    static func cacheDirectory() -> String {
        let env = ProcessInfo.processInfo.environment
        if let d = env["SWIFTLOAD_CACHE_DIR"], !d.isEmpty { return d }
        if let x = env["XDG_CACHE_HOME"], !x.isEmpty { return x + "/swiftload" }
        return NSHomeDirectory() + "/.cache/swiftload"
    }

    /// The compiler of the toolchain whose runtime this process uses (the one swiftload was built
    /// with), else `$SWIFTC`, else `swiftc` on the PATH.
    static func locateSwiftc() throws -> String {
        let fm = FileManager.default
        if let s = ProcessInfo.processInfo.environment["SWIFTC"], !s.isEmpty {
            guard fm.isExecutableFile(atPath: s) else { throw CLIError("SWIFTC=\(s) is not an executable", code: 1) }
            return s
        }
        // The runtime library this process loaded: …/usr/lib/swift/linux/libswiftCore.so → …/usr/bin/swiftc
        if let maps = try? String(contentsOfFile: "/proc/self/maps", encoding: .utf8),
           let line = maps.split(separator: "\n").first(where: { $0.hasSuffix("/libswiftCore.so") }),
           let slash = line.firstIndex(of: "/") {
            let lib = URL(fileURLWithPath: String(line[slash...])).resolvingSymlinksInPath()
            let candidate = lib.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("bin/swiftc").path
            if fm.isExecutableFile(atPath: candidate) { return candidate }
        }
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let candidate = "\(dir)/swiftc"
            if fm.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw CLIError("cannot find the Swift compiler (swiftc): put it on the PATH or set SWIFTC", code: 1)
    }
}
