import ClusterKit
import Foundation

/// Where the package and its built CLI are, for tests that must run `sslmatrix` as a
/// separate process (a process the test can kill -9).
enum PackagePaths {
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url.path
    }()

    static var sslmatrix: String {
        if let explicit = ProcessInfo.processInfo.environment["SSLMATRIX_BIN"] { return explicit }
        // The one built with these tests (debug or release): the test bundle sits in the same
        // build directory. A copy from the other configuration may be stale.
        if let beside = BuildProducts.beside("sslmatrix") { return beside }
        for config in ["debug", "release"] {
            let path = "\(root)/.build/\(config)/sslmatrix"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return "\(root)/.build/debug/sslmatrix"
    }
}
