import Foundation
import SwiftLoad

/// A scenario built to run where there is no Swift toolchain (`swiftload build SCRIPT -o DIR`):
/// the unit a Kubernetes pod or a Ray worker runs. k6's `archive`, but compiled.
///
///     DIR/run                  the entry point: `DIR/run [run options]`, as `swiftload run SCRIPT`
///     DIR/bundle.json          what was built: the script's name and SHA-256, the swiftload version
///     DIR/bin/scenario         the compiled scenario
///     DIR/bin/swiftload        the command line (run, merge, report, compare)
///     DIR/lib/                 libSwiftLoad.so and the Swift runtime libraries they load
///
/// Relocatable: `run` finds the libraries next to itself (LD_LIBRARY_PATH), so the folder can be
/// copied anywhere. The machine needs only the system libraries every Debian has or apt installs
/// (libcurl4, libnghttp2-14, libssl3, zlib1g, libsnappy1v5, libstdc++6), listed in `bundle.json`.
struct ScenarioBundle: Codable {
    /// The scenario file's name as built (reports show it).
    var script: String
    var scriptHash: String
    var swiftloadVersion: String
    /// Debian packages the bundle needs on the machine that runs it.
    var systemPackages: [String]

    static let manifestName = "bundle.json"
    static let systemPackages = ["libcurl4", "libnghttp2-14", "libssl3", "zlib1g", "libsnappy1v5", "libstdc++6", "ca-certificates"]

    /// The bundle in `dir`, or nil when `dir` is not one.
    static func read(_ dir: String) -> ScenarioBundle? {
        guard let data = FileManager.default.contents(atPath: dir + "/" + manifestName) else { return nil }
        return try? JSONDecoder().decode(ScenarioBundle.self, from: data)
    }

    /// Writes a bundle of `binary` (compiled from `script`) and of this swiftload into `dir`.
    /// `includes` are data files the scenario reads, relative to its folder; they keep that path
    /// inside the bundle, where a run of the bundle looks for them first.
    static func write(script: String, binary: String, includes: [String] = [], into dir: String) throws {
        let fm = FileManager.default
        guard let source = fm.contents(atPath: script) else { throw CLIError("cannot read scenario '\(script)'") }
        let staging = dir + ".\(getpid()).tmp"
        try? fm.removeItem(atPath: staging)
        do {
            try fm.createDirectory(atPath: staging + "/bin", withIntermediateDirectories: true)
            try fm.createDirectory(atPath: staging + "/lib", withIntermediateDirectories: true)
            let cli = (try? fm.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
            try fm.copyItem(atPath: binary, toPath: staging + "/bin/scenario")
            try fm.copyItem(atPath: cli, toPath: staging + "/bin/swiftload")
            for (name, path) in try libraries(of: [binary, cli]) {
                try fm.copyItem(atPath: path, toPath: staging + "/lib/" + name)
            }
            let scriptDir = URL(fileURLWithPath: script).deletingLastPathComponent().path
            for include in includes {
                guard !include.hasPrefix("/"), !include.split(separator: "/").contains("..") else {
                    throw CLIError("--include \(include): give a path inside the scenario's folder, relative to it")
                }
                let from = scriptDir + "/" + include, to = staging + "/" + include
                guard fm.fileExists(atPath: from) else { throw CLIError("--include \(include): no such file next to \(script)") }
                try fm.createDirectory(atPath: URL(fileURLWithPath: to).deletingLastPathComponent().path, withIntermediateDirectories: true)
                try fm.copyItem(atPath: from, toPath: to)
            }
            let bundle = ScenarioBundle(script: URL(fileURLWithPath: script).lastPathComponent,
                                        scriptHash: SHA256.hex(source),
                                        swiftloadVersion: SwiftLoadVersion.current, systemPackages: systemPackages)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(bundle).write(to: URL(fileURLWithPath: staging + "/" + manifestName))
            try Data(launcher.utf8).write(to: URL(fileURLWithPath: staging + "/run"))
            chmod(staging + "/run", 0o755)
            if fm.fileExists(atPath: dir) {
                guard read(dir) != nil else {
                    throw CLIError("\(dir) exists and is not a scenario bundle: choose another folder", code: 2)
                }
                try fm.removeItem(atPath: dir)
            }
            try fm.moveItem(atPath: staging, toPath: dir)
        } catch let e as CLIError {
            try? fm.removeItem(atPath: staging)
            throw e
        } catch {
            try? fm.removeItem(atPath: staging)
            throw CLIError("cannot write the bundle \(dir): \(error.localizedDescription)", code: 1)
        }
    }

    /// The entry point: finds its folder, puts `lib/` first on the library path and runs the
    /// bundled command line on the bundle (`run DIR …`).
    static let launcher = """
        #!/bin/sh
        # A swiftload scenario bundle (see bundle.json): runs the scenario with swiftload's run options,
        #   ./run -o json=result.json --segment 1/2 --start-at 2026-12-03T10:00:00Z
        # and, as 'run merge …', 'run report …' or 'run compare …', the bundled command line.
        here=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
        export LD_LIBRARY_PATH="$here/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
        case "$1" in
          merge|report|compare|version) exec "$here/bin/swiftload" "$@" ;;
          *) exec "$here/bin/swiftload" run "$here" "$@" ;;
        esac

        """

    /// The shared libraries `files` load that are not the system's own: libSwiftLoad.so and
    /// the Swift runtime (found with `ldd`, as the dynamic loader resolves them here).
    /// Each as the name the loader asks for and the file it resolves to.
    static func libraries(of files: [String]) throws -> [(name: String, path: String)] {
        var found: [String: String] = [:]
        for file in files {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/ldd")
            p.arguments = [file]
            let pipe = Pipe()
            p.standardOutput = pipe
            p.standardError = FileHandle.nullDevice
            do { try p.run() } catch { throw CLIError("cannot run ldd to find the libraries of \(file)", code: 1) }
            let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            for line in out.split(separator: "\n") {
                guard let arrow = line.range(of: "=> ") else { continue }
                let rest = line[arrow.upperBound...]
                if rest.hasPrefix("not found") {
                    throw CLIError("\(file) needs \(line.split(separator: " ").first ?? "a library"), which is not found", code: 1)
                }
                guard let path = rest.split(separator: " ").first.map(String.init), path.hasPrefix("/") else { continue }
                if ["/lib/", "/lib64/", "/usr/lib/", "/usr/lib64/"].contains(where: { path.hasPrefix($0) }) { continue }
                let name = line.split(separator: " ").first.map { String($0).trimmingCharacters(in: .whitespaces) } ?? ""
                guard !name.isEmpty, !name.contains("/") else { continue }
                found[name] = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
            }
        }
        return found.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }
}
