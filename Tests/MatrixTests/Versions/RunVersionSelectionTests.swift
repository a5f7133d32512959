import ClusterKit
import Foundation
import Testing

/// `sslmatrix run` selects server and client like `matrix`: `--server MAJOR|NAME|BINDIR`,
/// `--client MAJOR|NAME|LIBDIR|system|own`, and a bad selection stops before anything starts.
@Suite(
    "Versions: run --server/--client", .tags(.liveServer), .serialized,
    .enabled(if: VersionBuilds.haveAll && VersionBuilds.workerBuilt, "\(VersionBuilds.skipReason)"))
struct RunVersionSelectionTests {
    static let example = PackagePaths.root + "/Sources/Scenarios/examples/chain-option2-client-bundle.yaml"

    @Test("a scenario file on server 16 through psycopg's libpq 18 (OpenSSL 3.5): as declared, both sides named")
    func otherServerAndClient() async throws {
        let result = try await Command.run(
            PackagePaths.sslmatrix,
            ["run", "--server", "16", "--client", "psycopg-binary-libpq", "--format", "json", Self.example],
            timeout: 300)
        #expect(result.exitCode == 0, "\(result.combinedOutput)")
        let json = try #require(
            JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any],
            "\(result.combinedOutput)")
        #expect((json["server"] as? String)?.hasPrefix("16.") == true, "\(json["server"] ?? "")")
        let client = try #require(json["client"] as? String)
        #expect(client.hasPrefix("libpq 18."), "\(client)")
        #expect(client.contains("OpenSSL 3.5"), "the worker's own OpenSSL, not this process's: \(client)")
        let files = try #require(json["files"] as? [[String: Any]])
        #expect((files.first?["results"] as? [Any])?.count == 5)
    }

    @Test("an unknown major or a directory without libpq: one typed error, exit 2, nothing started")
    func badSelection() async throws {
        let unknown = try await Command.run(
            PackagePaths.sslmatrix, ["run", "--server", "13", Self.example], timeout: 60)
        #expect(unknown.exitCode == 2, "\(unknown.combinedOutput)")
        #expect(unknown.standardError.contains("error[unknown-major]"), "\(unknown.combinedOutput)")
        #expect(unknown.standardError.contains("scripts/setup --majors 13"), "names the fix")
        #expect(!unknown.standardOutput.contains("cases generated"), "nothing ran")

        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("no-libpq-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: empty) }
        let noLibpq = try await Command.run(
            PackagePaths.sslmatrix, ["run", "--client", empty.path, Self.example], timeout: 60)
        #expect(noLibpq.exitCode == 2, "\(noLibpq.combinedOutput)")
        #expect(noLibpq.standardError.contains("error[no-libpq]"), "\(noLibpq.combinedOutput)")
        #expect(!noLibpq.standardOutput.contains("cases generated"), "nothing ran")
    }
}
