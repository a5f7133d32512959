import ClusterKit
import Foundation
import Testing

/// A server started on another OpenSSL than its build's (`--server-library-path`), and a
/// client libpq next to its own OpenSSL (`--client DIR`): what runs is what the header says,
/// and a server that maps another OpenSSL than asked fails the run before any case.
@Suite("server library path", .serialized, .tags(.cli))
struct ServerLibraryTests {
    /// One group, a handful of cases: enough to prove which libraries each side mapped.
    static let filter = "verify-full / hostssl trust / root-signed / trust root / curve=secp384r1"

    static var openssl35: ServerLibrary? {
        VersionBuilds.catalog?.serverLibraries.first { $0.name == "openssl-3.5" }
    }

    static var canRun: Bool {
        FileManager.default.isExecutableFile(atPath: PackagePaths.sslmatrix) && openssl35 != nil
            && VersionBuilds.haveAll && VersionBuilds.workerBuilt
    }

    struct Header: Decodable {
        struct Versions: Decodable {
            struct ServerOpenSSL: Decodable {
                var libssl: String?
                var libcrypto: String?
                var version: String?
            }
            struct Client: Decodable {
                var libpq: [String]
                var libpqVersion: Int
                var libssl: [String]
                var libcrypto: [String]
                var openssl: String?
            }
            var major: Int
            var serverOpenSSL: ServerOpenSSL?
            var clientLibraries: Client?
        }
        struct Inner: Decodable {
            var versions: Versions
            var cases: Int
        }
        var header: Inner
    }

    static func record(_ arguments: [String]) async throws -> (CommandResult, Header?, String) {
        let path = NSTemporaryDirectory() + "/server-library-\(UUID()).json"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let r = try await CLI.run(["baseline", "record"] + arguments + ["--filter", filter, "--output", path])
        let data = FileManager.default.contents(atPath: path)
        return (r, try data.map { try JSONDecoder().decode(Header.self, from: $0) }, r.combinedOutput)
    }

    /// A scratch directory the server account can read (the server loads libraries from it).
    static func scratchDirectory(_ links: [String: String]) throws -> String {
        let dir = "/tmp/pg-ssl-matrix-libtest-\(UUID())"
        try FileManager.default.createDirectory(
            atPath: dir, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o755])
        for (name, target) in links {
            try FileManager.default.createSymbolicLink(atPath: "\(dir)/\(name)", withDestinationPath: target)
        }
        return dir
    }

    @Test("verify: the directory's OpenSSL mapped passes; another, none, or two fail with server-library-not-mapped")
    func verifyRule() throws {
        let dir = try Self.scratchDirectory([
            "libssl.so.3": "/usr/lib/x86_64-linux-gnu/libssl.so.3",
            "libcrypto.so.3": "/usr/lib/x86_64-linux-gnu/libcrypto.so.3",
        ])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ssl = ServerLibrary.realPath("/usr/lib/x86_64-linux-gnu/libssl.so.3")
        let crypto = ServerLibrary.realPath("/usr/lib/x86_64-linux-gnu/libcrypto.so.3")
        try ServerLibrary.verify(libraryPath: dir, mappedLibssl: ssl, mappedLibcrypto: crypto)
        func fails(_ libssl: String?, _ libcrypto: String?, others: [String] = []) -> Bool {
            do {
                try ServerLibrary.verify(
                    libraryPath: dir, mappedLibssl: libssl, mappedLibcrypto: libcrypto, others: others)
                return false
            } catch let error as InstallationError {
                return error.code == "server-library-not-mapped" && "\(error)".contains(dir)
            } catch {
                return false
            }
        }
        #expect(fails("/elsewhere/libssl.so.3", crypto))
        #expect(fails(ssl, "/elsewhere/libcrypto.so.3"))
        #expect(fails(nil, nil))
        #expect(fails(ssl, crypto, others: ["/elsewhere/libcrypto.so.3"]))
        // A library path without OpenSSL in it asks nothing about OpenSSL.
        let empty = try Self.scratchDirectory([:])
        defer { try? FileManager.default.removeItem(atPath: empty) }
        try ServerLibrary.verify(libraryPath: empty, mappedLibssl: ssl, mappedLibcrypto: crypto)
    }

    @Test(
        "--server 16 --server-library-path openssl-3.5: the server maps that OpenSSL 3.5, the client stays the system's",
        .enabled(if: canRun), .timeLimit(.minutes(10)))
    func serverOnOtherOpenSSL() async throws {
        let library = try #require(Self.openssl35)
        let (r, header, output) = try await Self.record(["--server", "16", "--server-library-path", "openssl-3.5"])
        #expect(r.exitCode == 0, "\(output)")
        let versions = try #require(header?.header.versions)
        #expect(versions.major == 16)
        #expect(versions.serverOpenSSL?.libssl == library.openSSLFiles.libssl, "\(output)")
        #expect(versions.serverOpenSSL?.libcrypto == library.openSSLFiles.libcrypto)
        #expect(versions.serverOpenSSL?.version?.hasPrefix("OpenSSL 3.5.") == true)
        #expect(versions.clientLibraries?.libssl == ["/usr/lib/x86_64-linux-gnu/libssl.so.3"])
        #expect((header?.header.cases ?? 0) > 0)
    }

    @Test(
        "a library path whose OpenSSL the server cannot use fails before any case: exit 2, server-library-not-mapped",
        .enabled(if: canRun), .timeLimit(.minutes(10)))
    func wrongLibraryFailsLoudly() async throws {
        // libssl 3.5 without its libcrypto: the server cannot map what the directory offers.
        let library = try #require(Self.openssl35)
        let dir = try Self.scratchDirectory(["libssl.so.3": try #require(library.openSSLFiles.libssl)])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (r, header, output) = try await Self.record(["--server", "16", "--server-library-path", dir])
        #expect(r.exitCode == 2, "\(output)")
        #expect(output.contains("error[server-library-not-mapped]"), "\(output)")
        #expect(header == nil, "nothing recorded")
    }

    @Test(
        "--client DIR with a libpq next to its own libssl/libcrypto: the worker loads that OpenSSL, not the system's",
        .enabled(if: canRun), .timeLimit(.minutes(10)))
    func clientWithOwnOpenSSL() async throws {
        // Debian's libpq 15 beside OpenSSL 3.5: what an unpacked libpq5 + libssl3 candidate looks like.
        let library = try #require(Self.openssl35)
        let dir = try Self.scratchDirectory([
            "libpq.so.5": "/usr/lib/x86_64-linux-gnu/libpq.so.5",
            "libssl.so.3": try #require(library.openSSLFiles.libssl),
            "libcrypto.so.3": try #require(library.openSSLFiles.libcrypto),
        ])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (r, header, output) = try await Self.record(["--server", "15", "--client", dir])
        #expect(r.exitCode == 0, "\(output)")
        let client = try #require(header?.header.versions.clientLibraries)
        #expect(client.libssl == [library.openSSLFiles.libssl!], "\(output)")
        #expect(client.libcrypto == [library.openSSLFiles.libcrypto!])
        #expect(client.openssl?.hasPrefix("OpenSSL 3.5.") == true)
        #expect(client.libpq == [ServerLibrary.realPath("/usr/lib/x86_64-linux-gnu/libpq.so.5")])
        // The server is untouched: Debian's 15 on the system OpenSSL.
        #expect(header?.header.versions.serverOpenSSL?.libssl?.hasPrefix("/usr/lib/") == true)
    }
}
