// swift-tools-version: 6.0
//
// The PostgresNIO driver probe: its own package with its own build directory, so the main
// pg-ssl-matrix build never pulls in SwiftNIO/BoringSSL. postgres-nio is pinned exactly so a
// conformance result names the driver version it was measured with.
import PackageDescription

let package = Package(
    name: "postgresnio-probe",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(url: "https://github.com/vapor/postgres-nio.git", exact: "1.33.2"),
        // Already in postgres-nio's graph (versions pinned by Package.resolved); named here
        // because the probe imports their modules directly.
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.0.0"),
    ],
    targets: [
        .executableTarget(
            name: "PostgresNIOProbe",
            dependencies: [
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: [.swiftLanguageMode(.v5)]
        )
    ]
)
