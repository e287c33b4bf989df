// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "swiftload",
    // Linux only: the engine runs on epoll (CEpoll) and Glibc. SwiftPM has no way to declare a
    // Linux-only package, so no Apple platform is declared and Sources/SwiftLoad/Engine/
    // EventLoop.swift stops a build elsewhere with a clear error.
    products: [
        // Scenario scripts link against this library at run time, so it must be dynamic.
        .library(name: "SwiftLoad", type: .dynamic, targets: ["SwiftLoad"]),
        .executable(name: "swiftload", targets: ["swiftload"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/swiftcsv/SwiftCSV", from: "0.10.0"),
        // The live dashboard's HTTP server: small, Swift concurrency on plain sockets, no SwiftNIO.
        .package(url: "https://github.com/swhitty/FlyingFox", from: "0.27.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(
            name: "CNghttp2",
            pkgConfig: "libnghttp2",
            providers: [.apt(["libnghttp2-dev"])]),
        .systemLibrary(name: "CEpoll"),
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"])]),
        .systemLibrary(
            name: "CZlib",
            providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(
            name: "CSnappy",
            providers: [.apt(["libsnappy-dev"])]),
        .target(
            name: "SwiftLoad",
            dependencies: [
                "CCurl", "CNghttp2", "CEpoll", "COpenSSL", "CZlib", "CSnappy",
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "SwiftCSV", package: "SwiftCSV"),
                .product(name: "FlyingFox", package: "FlyingFox"),
            ],
            swiftSettings: [
                // The engine's state is confined to one worker thread by design; dynamic
                // exclusivity checks cost ~2k instructions per request (measured with callgrind)
                // and catch nothing the static checks and thread confinement do not.
                .unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release)),
                // Async functions run where their caller runs (SE-0461): a VU's iteration, its
                // requests and the transports stay on the worker's executor without the
                // executor switch (and its status-record lock) on every call and return.
                .enableUpcomingFeature("NonisolatedNonsendingByDefault"),
            ]),
        .executableTarget(
            name: "swiftload",
            dependencies: [
                "SwiftLoad",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .target(
            name: "TestSupport",
            path: "Tests/TestSupport"),
        .testTarget(
            name: "SwiftLoadUnitTests",
            dependencies: ["SwiftLoad"]),
        .testTarget(
            name: "EngineTests",
            dependencies: ["SwiftLoad", "TestSupport"]),
        .testTarget(
            name: "CLITests",
            dependencies: ["SwiftLoad", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
