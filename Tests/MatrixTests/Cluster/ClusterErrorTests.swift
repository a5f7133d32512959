import Foundation
import Testing

@testable import ClusterKit

/// Bad input gets one clear error naming the problem and the fix, and leaves nothing behind.
@Suite("Cluster: bad input gets one clear error")
struct ClusterErrorTests {
    @Test("no PostgreSQL installed")
    func noPostgreSQL() throws {
        let error = #expect(throws: ClusterKitError.self) {
            try Installation.discover(environment: [:], searchRoot: "/nonexistent/postgresql", pgConfigCandidates: [])
        }
        #expect(error?.code == "no-postgresql")
        #expect(error?.description.contains("make setup") == true)
        #expect(error?.description.contains("PGSSLMATRIX_BINDIR") == true)
    }

    @Test("a bindir without initdb, pg_ctl and postgres")
    func incompleteBindir() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("not-a-bindir-\(UUID())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let error = #expect(throws: ClusterKitError.self) { try Installation(bindir: dir) }
        #expect(error?.code == "incomplete-installation")
        #expect(error?.description.contains("initdb, pg_ctl, postgres missing") == true)
    }

    @Test("PGSSLMATRIX_BINDIR pointing nowhere")
    func badBindirFromEnvironment() throws {
        let error = #expect(throws: ClusterKitError.self) {
            try Installation.discover(environment: ["PGSSLMATRIX_BINDIR": "/nonexistent/bin"])
        }
        #expect(error?.code == "incomplete-installation")
    }

    @Test("an unusable temp directory")
    func unusableTempDirectory() throws {
        let error = #expect(throws: ClusterKitError.self) {
            try Workspace(environment: ["PGSSLMATRIX_TMPDIR": "/etc/hostname/below-a-file"])
        }
        #expect(error?.code == "unusable-temp-directory")
        #expect(error?.description.contains("PGSSLMATRIX_TMPDIR") == true)
    }

    @Test("an occupied port")
    func occupiedPort() async throws {
        let sock = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(sock) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { p in
                bind(sock, p, len) == 0 && listen(sock, 1) == 0 && getsockname(sock, p, &len) == 0
            }
        }
        let port = Int(UInt16(bigEndian: addr.sin_port))
        await #expect(throws: ClusterKitError.portInUse(port: port)) {
            _ = try await Cluster.create(port: port)
        }
    }

    @Test("a server that fails to start shows its FATAL line")
    func failedStart() async throws {
        let cluster = try await Cluster.create()
        try cluster.configure(ServerSettings([("shared_buffers", .raw("plenty"))]))
        let error = await #expect(throws: ClusterKitError.self) { try await cluster.start() }
        #expect(error?.code == "server-failed-to-start")
        #expect(error?.description.contains(#"invalid value for parameter "shared_buffers": "plenty""#) == true)
        #expect(error?.description.contains("FATAL:") == true)
        #expect(!ProcessIdentity.isRunning(Postmaster.readPidFile(dataDirectory: cluster.dataDirectory)?.pid ?? 0))
        await cluster.destroy()
        #expect(!FileManager.default.fileExists(atPath: cluster.directory))
    }

    @Test("an invalid pg_hba line at start shows the server's complaint")
    func invalidHBAAtStart() async throws {
        let cluster = try await Cluster.create()
        try cluster.setHBA([HBARule(.host, method: "bogus")])
        let error = await #expect(throws: ClusterKitError.self) { try await cluster.start() }
        #expect(error?.code == "invalid-hba")
        #expect(error?.description.contains(#"invalid authentication method "bogus""#) == true)
        await cluster.destroy()
    }

    @Test("an invalid pg_hba line on reload is reported and the old rules stay")
    func invalidHBAOnReload() async throws {
        try await Cluster.with { cluster in
            try cluster.setHBA([HBARule(.host, method: "trust")])
            try await cluster.start()
            try cluster.setHBA([HBARule(.host, method: "trust", options: [.init("clientcert", "1")])])
            let error = await #expect(throws: ClusterKitError.self) { try await cluster.reload() }
            #expect(error?.code == "reload-rejected")
            #expect(error?.description.contains("pg_hba.conf was not reloaded") == true)
            #expect(error?.description.contains("clientcert") == true)
            #expect(try await cluster.hbaFileErrors().count == 1)
            // The server still runs on its previous rules.
            #expect(try await cluster.queryValue("SELECT 1") == "1")
        }
    }
}
