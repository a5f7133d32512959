import Foundation
import Testing

@testable import ClusterKit

/// Shared helpers for the PKI cross-checks: a fresh directory per test (tests run in
/// parallel and some rewrite hashed directories) and the real `openssl` CLI.
enum PKITestSupport {
    static let openssl = "/usr/bin/openssl"

    /// This process's scratch root. Swift Testing has no suite-wide teardown, so the first
    /// use removes the roots of earlier test processes that are no longer running.
    static let scratchRoot: String = {
        let prefix = "pg-ssl-matrix-pki-tests-"
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/tmp")) ?? [] where entry.hasPrefix(prefix)
        {
            if let pid = Int32(entry.dropFirst(prefix.count)), pid != getpid(), kill(pid, 0) != 0, errno == ESRCH {
                SecureFiles.remove("/tmp/" + entry)
            }
        }
        return "/tmp/\(prefix)\(getpid())"
    }()

    static func freshDirectory(_ label: String) -> String {
        "\(scratchRoot)/\(label)-\(UInt32.random(in: 0...UInt32.max))"
    }

    /// The standard set (EC P-256), materialized into a directory of its own.
    static func standard(_ label: String, options: StandardPKI.Options = StandardPKI.Options()) throws -> PKIMaterial {
        try PKI.materialize(.standard(options), into: freshDirectory(label), serverAccount: try ServerAccount.current())
    }

    @discardableResult
    static func run(_ arguments: [String]) async throws -> CommandResult {
        try await Command.run(openssl, arguments)
    }

    /// `openssl verify` with the given options; returns (exit 0?, combined output).
    static func verify(_ options: [String], _ certificate: String) async throws -> (ok: Bool, output: String) {
        let result = try await run(["verify"] + options + [certificate])
        return (result.succeeded, result.combinedOutput)
    }

    static func text(_ certificate: String) async throws -> String {
        let result = try await run(["x509", "-in", certificate, "-noout", "-text"])
        #expect(result.succeeded, "\(result.combinedOutput)")
        return result.standardOutput
    }

    static func stat(_ path: String) -> (mode: UInt16, uid: uid_t, gid: gid_t)? {
        var info = Foundation.stat()
        guard lstat(path, &info) == 0 else { return nil }
        return (UInt16(info.st_mode & 0o7777), info.st_uid, info.st_gid)
    }
}
