// swift-tools-version: 6.2
//
// Dependencies, kept few on purpose (a cold build must stay in CI's budget):
// - swift-subprocess: the only maintained Swift API that can start a child as another
//   user (`PlatformOptions.userID/groupID/supplementaryGroups`). initdb and postgres refuse
//   to run as root, and CI runs as root, so Foundation.Process (no uid switch) is not enough.
// - swift-system: `FilePath` for swift-subprocess (it does not re-export it).
// - swift-argument-parser: the CLI.
// - Yams: scenario files are YAML; Yams keeps node marks, so a malformed file can be
//   reported with its line.
// C is reached through two targets only: CLibPQ (libpq) and COpenSSLShim (libcrypto/libssl).
import PackageDescription

let package = Package(
    name: "pg-ssl-matrix",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "sslmatrix", targets: ["sslmatrix"]),
        .library(name: "ClusterKit", targets: ["ClusterKit"]),
        .library(name: "Scenarios", targets: ["Scenarios"]),
    ],
    dependencies: [
        .package(url: "https://github.com/swiftlang/swift-subprocess", .upToNextMinor(from: "1.0.2")),
        .package(url: "https://github.com/apple/swift-system", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        .target(
            name: "COpenSSLShim",
            linkerSettings: [.linkedLibrary("ssl"), .linkedLibrary("crypto")]
        ),
        .target(
            name: "ClusterKit",
            dependencies: [
                "CLibPQ",
                "COpenSSLShim",
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        .target(
            name: "Scenarios",
            dependencies: [
                "ClusterKit",
                .product(name: "Yams", package: "Yams"),
            ],
            exclude: ["examples"]
        ),
        .executableTarget(
            name: "sslmatrix",
            dependencies: [
                "ClusterKit",
                "Scenarios",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "MatrixTests",
            dependencies: ["ClusterKit", "Scenarios"],
            // Hostile scenario files, read from the source tree by the robustness suite.
            exclude: ["Robustness/Corpus"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
