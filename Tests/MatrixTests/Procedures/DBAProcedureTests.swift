import ClusterKit
import Foundation
import Scenarios
import Testing

/// The DBA procedures that need steps a scenario file cannot express: validate the files
/// before reloading (pg_file_settings), renew a certificate and reload without a restart,
/// and read the monitoring view (pg_stat_ssl joined with pg_stat_activity).
@Suite("DBA procedures on a real server", .tags(.liveServer))
struct DBAProcedureTests {
    static let host = "db.example.test"

    /// Root CA + a server leaf whose subject carries `generation`, so a client can tell which
    /// certificate the server presents.
    static func spec(generation: String, days: Int) -> PKISpec {
        var spec = PKISpec()
        spec.addKey(KeySpec(name: "ca"))
        spec.addKey(KeySpec(name: "server"))
        spec.addCertificate(.rootCA(name: "root", key: "ca", subject: .commonName("procedure root")))
        spec.addCertificate(
            .server(
                name: "leaf-\(generation)", key: "server", issuer: "root",
                subject: DistinguishedName([("O", generation), ("CN", host)]),
                subjectAlternativeNames: [.dns(host)], validity: .current(days: days)))
        spec.addFile(OutputFileSpec(name: "root.crt", contents: [.certificate("root")]))
        spec.addFile(OutputFileSpec(name: "server.crt", contents: [.certificate("leaf-\(generation)")], owner: .server))
        spec.addFile(OutputFileSpec(name: "server.key", contents: [.privateKey("server")], owner: .server))
        return spec
    }

    @Test("renewing the server certificate takes effect on reload, without a restart")
    func renewalWithReload() async throws {
        try await Cluster.with { cluster in
            let old = try PKI.materialize(
                Self.spec(generation: "before-renewal", days: 5), into: cluster.filesDirectory,
                serverAccount: cluster.workspace.account)
            try cluster.configure(
                ServerSettings.ssl(certFile: try old.path("server.crt"), keyFile: try old.path("server.key")))
            try cluster.setHBA([HBARule(.hostssl, user: "alice", address: "127.0.0.1/32", method: "trust")])
            try await cluster.start()
            try await cluster.query("CREATE ROLE alice LOGIN")
            let postmaster = try postmasterPID(cluster)
            let before = try await TLSPolicyProbe(cluster: cluster, serverName: Self.host).handshake(version: nil)
            #expect(before.chain.first?.subject.contains("before-renewal") == true, "\(before)")

            // Renewal: a new certificate for the same key, written over the old file.
            _ = try PKI.materialize(
                Self.spec(generation: "after-renewal", days: 365), into: cluster.filesDirectory,
                serverAccount: cluster.workspace.account)
            #expect(try await cluster.settingsFileErrors().isEmpty)
            try await cluster.reload()
            let after = try await TLSPolicyProbe(cluster: cluster, serverName: Self.host).handshake(version: nil)
            #expect(after.chain.first?.subject.contains("after-renewal") == true, "\(after)")
            #expect(try postmasterPID(cluster) == postmaster, "the renewal must not need a restart")

            // Clients verifying the chain keep working across the renewal.
            let outcome = await Probe(cluster: cluster).connect(
                ConnectionParameters(
                    host: Self.host, hostaddr: "127.0.0.1", port: cluster.port, user: "alice", sslmode: "verify-full",
                    sslrootcert: .path(try old.path("root.crt"))))
            #expect(outcome.session?.client.encrypted == true, "\(outcome)")
        }
    }

    @Test("pg_file_settings shows a bad setting before the reload, and the reload is refused for it")
    func validateBeforeReload() async throws {
        try await Cluster.with { cluster in
            try await cluster.start()
            #expect(try await cluster.settingsFileErrors().isEmpty)
            try cluster.appendConf(ServerSettings([("ssl_min_protocol_version", .string("TLSv9"))]))
            let problems = try await cluster.settingsFileErrors()
            #expect(problems.count == 1)
            #expect(problems.first?.contains("ssl_min_protocol_version") == true)
            await #expect(throws: ClusterKitError.self) { try await cluster.reload() }
            #expect(try await cluster.queryValue("SHOW ssl_min_protocol_version") == "TLSv1.2")
        }
    }

    @Test("the monitoring query (pg_stat_ssl joined with pg_stat_activity) sees each TLS session")
    func monitoringQuery() async throws {
        try await Cluster.with { cluster in
            let m = try PKI.materialize(
                Self.spec(generation: "monitor", days: 30), into: cluster.filesDirectory,
                serverAccount: cluster.workspace.account)
            try cluster.configure(
                ServerSettings.ssl(certFile: try m.path("server.crt"), keyFile: try m.path("server.key")))
            try cluster.setHBA([HBARule(.hostssl, user: "alice", address: "127.0.0.1/32", method: "trust")])
            try await cluster.start()
            try await cluster.query("CREATE ROLE alice LOGIN")
            let outcome = await Probe(cluster: cluster).connect(
                ConnectionParameters(
                    host: Self.host, hostaddr: "127.0.0.1", port: cluster.port, user: "alice", sslmode: "require"))
            let session = try #require(outcome.session)
            #expect(session.server.ssl)
            #expect(session.server.user == "alice")
            #expect(session.server.version == session.client.protocol)
            #expect(session.server.cipher == session.client.cipher)
        }
    }
}
