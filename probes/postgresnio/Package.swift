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
        .package(url: "https://github.com/vapor/postgres-nio.git", exact: "1.33.2")
    ],
    targets: [
        .executableTarget(
            name: "PostgresNIOProbe",
            dependencies: [.product(name: "PostgresNIO", package: "postgres-nio")]
        )
    ]
)
