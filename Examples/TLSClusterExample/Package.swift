// swift-tools-version: 6.2
//
// An example of another package using ClusterKit in its own Swift Testing tests: a real,
// TLS-enabled, throwaway PostgreSQL per test, with generated certificates, in a few lines.
// It depends on pg-ssl-matrix by path; `make test` in the repository builds and runs it
// (scratch path .build-example, so the repository's own .build is left alone).
import PackageDescription

let package = Package(
    name: "TLSClusterExample",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "pg-ssl-matrix", path: "../..")
    ],
    targets: [
        .testTarget(
            name: "TLSClusterExampleTests",
            dependencies: [.product(name: "ClusterKit", package: "pg-ssl-matrix")]
        )
    ],
    swiftLanguageModes: [.v6]
)
