import Foundation
import Testing

@testable import ClusterKit

/// A user who is not root is a first-class user: servers run as that user (no setpriv), the
/// workspace is theirs (`pg-ssl-matrix-<uid>`), and the model's key-ownership cases are the
/// ones a non-root run can realise. CI runs as root, so this test makes an unprivileged user
/// and runs the built `sslmatrix` as that user.
@Suite("Robustness: a non-root user runs the harness", .tags(.liveServer))
struct NonRootTests {
    static let user = "sslmatrix-nonroot"
    static var canRun: Bool { geteuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/sbin/useradd") }

    /// The unprivileged account (created once), and the environment of a login as it.
    static func account() async throws -> (uid: uid_t, gid: gid_t, home: String) {
        if getpwnam(user) == nil {
            _ = try await Command.run("/usr/sbin/useradd", ["--create-home", "--shell", "/bin/sh", user], timeout: 60)
        }
        let pw = try #require(getpwnam(user))
        return (pw.pointee.pw_uid, pw.pointee.pw_gid, String(cString: pw.pointee.pw_dir))
    }

    static func runAsUser(_ arguments: [String]) async throws -> CommandResult {
        let (uid, gid, home) = try await account()
        return try await Command.run(
            Command.setpriv,
            ["--reuid=\(uid)", "--regid=\(gid)", "--clear-groups", "--", PackagePaths.sslmatrix] + arguments,
            environment: Command.cleanEnvironment(adding: ["HOME": home, "USER": user]), workingDirectory: home,
            timeout: 600)
    }

    @Test("the key-ownership slice of the matrix: no disagreement, no error", .enabled(if: canRun))
    func matrixSlice() async throws {
        let r = try await Self.runAsUser(["matrix", "--filter", "key-0640"])
        #expect(r.exitCode == 0, "\(r.combinedOutput)")
        #expect(r.standardOutput.contains(" 0 disagree"), "\(r.standardOutput)")
        #expect(r.standardOutput.contains(" 0 errors"), "\(r.standardOutput)")
        let uid = try await Self.account().uid
        #expect(
            !FileManager.default.fileExists(atPath: "/dev/shm/pg-ssl-matrix-\(uid)/ports/")
                || leftoverLocks(uid).isEmpty)
    }

    @Test("the key-permissions example as a non-root user", .enabled(if: canRun))
    func example() async throws {
        let path = PackagePaths.root + "/Sources/Scenarios/examples/key-permissions-and-passphrase.yaml"
        let r = try await Self.runAsUser(["run", path])
        #expect(r.exitCode == 0, "\(r.combinedOutput)")
        #expect(r.standardOutput.contains("0 not as declared, 0 could not run"), "\(r.standardOutput)")
    }

    func leftoverLocks(_ uid: uid_t) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: "/dev/shm/pg-ssl-matrix-\(uid)/ports")) ?? []
    }
}
