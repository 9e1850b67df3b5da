// swift-tools-version:6.0
import PackageDescription

let upcoming: [SwiftSetting] = [.enableUpcomingFeature("MemberImportVisibility")]

let package = Package(
    name: "orderbatch",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "orderbatch", targets: ["orderbatch"]),
        .library(name: "OrderBatchCore", targets: ["OrderBatchCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        // MARK: - C libraries, one system-library target each
        .systemLibrary(name: "CCSV", path: "Sources/CCSV", providers: [.apt(["libcsv-dev"])]),
        .systemLibrary(
            name: "CCurl", path: "Sources/CCurl", pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(
            name: "CSQLite", path: "Sources/CSQLite", pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(
            name: "CLibPQ", path: "Sources/CLibPQ", pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]),
        .systemLibrary(
            name: "CCrypto", path: "Sources/CCrypto", pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]),

        // MARK: - Plain-data provider rules shared by client and emulator
        .target(name: "ProviderRules", swiftSettings: upcoming),

        // MARK: - The strict JSON parser and its value types (no dependencies; fuzzed by bench/fuzz.sh)
        .target(name: "OrderBatchJSON", swiftSettings: upcoming),

        // MARK: - The library: input → validation → store → executor → transport → providers
        .target(
            name: "OrderBatchCore",
            dependencies: [
                "CCSV", "CCurl", "CSQLite", "CLibPQ", "CCrypto", "ProviderRules", "OrderBatchJSON",
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: upcoming),

        // MARK: - Local provider emulator (SwiftNIO); shares only plain data with the client
        .target(
            name: "OrderBatchEmulator",
            dependencies: [
                "CCrypto", "ProviderRules",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: upcoming),

        // MARK: - Commands and the thin executable
        .target(
            name: "OrderBatchCommands",
            dependencies: [
                "OrderBatchCore", "OrderBatchEmulator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: upcoming),
        .executableTarget(name: "orderbatch", dependencies: ["OrderBatchCommands"], swiftSettings: upcoming),

        // MARK: - Tests
        .target(
            name: "OrderBatchTestSupport", path: "Tests/OrderBatchTestSupport",
            swiftSettings: upcoming),
        .testTarget(
            name: "OrderBatchCoreTests",
            dependencies: ["OrderBatchCore", "OrderBatchEmulator", "OrderBatchTestSupport"],
            swiftSettings: upcoming),
        .testTarget(name: "OrderBatchJSONTests", dependencies: ["OrderBatchJSON"], swiftSettings: upcoming),
        .testTarget(
            name: "OrderBatchEmulatorTests", dependencies: ["OrderBatchEmulator", "CCrypto"],
            swiftSettings: upcoming),
        .testTarget(
            name: "OrderBatchEndToEndTests",
            dependencies: ["OrderBatchCore", "OrderBatchEmulator", "OrderBatchTestSupport"],
            swiftSettings: upcoming),
    ],
    swiftLanguageModes: [.v6]
)
