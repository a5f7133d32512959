import ClusterKit
import Foundation
import Scenarios
import Testing

/// `sslmatrix baseline` end to end: the committed baseline still describes this machine,
/// and a real server-side change shows up as drift naming exactly the cases it moved.
///
/// These run the built CLI (the baseline code lives in the executable target). To keep
/// `swift test` short they diff one group (`--filter curve=secp384r1`, 48 cases on one
/// cluster); the whole matrix is checked by `sslmatrix baseline diff` by hand/CI.
@Suite("baseline", .serialized, .tags(.cli))
struct BaselineTests {
    static let baseline = "\(PackagePaths.root)/baselines/pg15-openssl3.0.json"
    static let filter = "curve=secp384r1"

    static var canRun: Bool {
        FileManager.default.isExecutableFile(atPath: PackagePaths.sslmatrix)
            && FileManager.default.fileExists(atPath: baseline)
            && (try? Installation.discover())?.major == 15
    }

    /// The server and OpenSSL versions the committed baseline was recorded with, and this machine's.
    static func sameVersions() throws -> (Bool, String) {
        let recorded = try JSONDecoder().decode(
            BaselineHeaderJSON.self, from: Data(contentsOf: URL(fileURLWithPath: baseline))
        ).header.versions
        let installed = try Installation.discover()
        let libssl = OpenSSLLibrary.version
        let same = recorded.server == installed.version && recorded.libpqSSLLibrary == libssl
        return (
            same,
            "recorded on \(recorded.server) / \(recorded.libpqSSLLibrary ?? "?"), installed \(installed.version) / \(libssl)"
        )
    }

    /// On the versions it was recorded with, the committed baseline must show no drift at
    /// all. A fresh machine's apt-get may install a newer 15.x minor or libssl3: then
    /// reworded messages are legitimate news, not a failure, and only a flipped outcome fails
    /// (a minor release that flips who gets in is exactly what this gate is for).
    @Test(
        "the committed PG 15 / OpenSSL 3.0 baseline shows no drift on a rerun (on another minor: no outcome flip)",
        .enabled(if: canRun), .timeLimit(.minutes(10)))
    func noDrift() async throws {
        let (same, versions) = try Self.sameVersions()
        if same {
            let r = try await CLI.run(["baseline", "diff", Self.baseline, "--filter", Self.filter])
            #expect(r.exitCode == 0, "drift:\n\(r.combinedOutput)")
            #expect(r.standardOutput.contains("no drift: 48 cases observed as recorded"), "\(r.standardOutput)")
        } else {
            let r = try await CLI.run([
                "baseline", "diff", Self.baseline, "--filter", Self.filter, "--fail-on", "outcome",
            ])
            #expect(r.exitCode == 0, "an outcome flipped (\(versions)):\n\(r.combinedOutput)")
        }
    }

    @Test(
        "ssl_min_protocol_version=TLSv1.3 on the server: the diff names exactly the cases whose client stops at TLS 1.2, and --fail-on outcome fails",
        .enabled(if: canRun), .timeLimit(.minutes(10)))
    func realChangeIsNamed() async throws {
        let r = try await CLI.run([
            "baseline", "diff", Self.baseline, "--filter", Self.filter,
            "--server-setting", "ssl_min_protocol_version=TLSv1.3", "--format", "json", "--fail-on", "outcome",
        ])
        #expect(r.exitCode == 1, "\(r.combinedOutput)")
        let diff = try JSONDecoder().decode(DiffJSON.self, from: Data(r.standardOutput.utf8))

        // Which cases must move follows from the recording, not from a list copied from the output:
        // every case that negotiated TLS with a client capped at TLS 1.2 (client-max=TLSv1.2).
        let recorded = try JSONDecoder().decode(
            BaselineJSON.self, from: Data(contentsOf: URL(fileURLWithPath: Self.baseline)))
        let expected = Set(
            recorded.cases.filter { id, c in
                (id.contains(Self.filter) || c.group.contains(Self.filter)) && id.contains("client-max=TLSv1.2")
                    && c.encrypted == true
            }.keys)
        #expect(!expected.isEmpty)
        let moved = Set(diff.changes.map(\.id))
        #expect(
            moved == expected,
            "unexpected: \(moved.subtracting(expected).sorted()), missing: \(expected.subtracting(moved).sorted())")
        for change in diff.changes {
            #expect(change.kinds.first == "outcome flipped", "\(change.id): \(change.kinds)")
            // Rejected, or (prefer/allow) libpq's retry without SSL got in unencrypted: never encrypted any more.
            #expect(change.before?.outcome == "accepted" && change.before?.encrypted == true, "\(change.id)")
            #expect(change.after?.outcome == "rejected" || change.after?.encrypted == false, "\(change.id)")
        }
    }

    @Test("a baseline file of another format is refused with a message that says what to do", .enabled(if: canRun))
    func wrongFormatRefused() async throws {
        let path = NSTemporaryDirectory() + "/baseline-\(UUID()).json"
        try
            #"{"header":{"format":99,"versions":{"server":"x","major":15,"libpq":1},"cases":0,"sources":[]},"cases":{}}"#
            .write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let r = try await CLI.run(["baseline", "diff", path, "--filter", Self.filter])
        #expect(r.exitCode == 2)
        #expect(
            r.standardError.contains("has format 99") && r.standardError.contains("record it again"),
            "\(r.standardError)")
    }
}

/// The parts of `baseline diff --format json` and a baseline file the tests read.
struct DiffJSON: Decodable {
    struct Side: Decodable { var outcome: String; var encrypted: Bool? }
    struct Change: Decodable { var id: String; var kinds: [String]; var before: Side?; var after: Side? }
    var changes: [Change]
    var compared: Int
}

struct BaselineHeaderJSON: Decodable {
    struct Header: Decodable { var versions: Versions }
    struct Versions: Decodable { var server: String; var libpqSSLLibrary: String? }
    var header: Header
}

struct BaselineJSON: Decodable {
    struct Case: Decodable {
        var group: String
        var outcome: String
        var encrypted: Bool?
        var message: String?
        var serverLog: [String]
    }
    var cases: [String: Case]
}

/// Runs the built `sslmatrix` as a separate process.
enum CLI {
    static func run(_ arguments: [String]) async throws -> CommandResult {
        try await Command.run(PackagePaths.sslmatrix, arguments, workingDirectory: PackagePaths.root)
    }
}

extension Tag {
    /// Tests that run the built `sslmatrix` executable.
    @Tag static var cli: Self
}
