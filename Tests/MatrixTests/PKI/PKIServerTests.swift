import ClusterKit
import Foundation
import Scenarios
import Testing

/// Generated material on a real server: it starts with EC and RSA keys, refuses keys with
/// group/world access and wrong passphrases, and a libpq client verifies it with verify-full.
@Suite("PKI on a real server", .tags(.liveServer))
struct PKIServerTests {
    static let host = "db.example.test"

    static func spec(
        _ algorithm: KeyAlgorithm, keyMode: UInt16? = nil, keyOwner: OutputFileSpec.OwnerRole = .server,
        encryption: PrivateKeyEncoding = .pkcs8
    ) -> PKISpec {
        var spec = PKISpec()
        spec.addKey(KeySpec(name: "ca", algorithm: .ecP256))
        spec.addKey(KeySpec(name: "server", algorithm: algorithm))
        spec.addCertificate(.rootCA(name: "root", key: "ca", subject: .commonName("test root")))
        spec.addCertificate(
            .server(
                name: "leaf", key: "server", issuer: "root", subject: .commonName(host),
                subjectAlternativeNames: [.dns(host)]))
        spec.addFile(OutputFileSpec(name: "root.crt", contents: [.certificate("root")]))
        spec.addFile(OutputFileSpec(name: "server.crt", contents: [.certificate("leaf")], owner: .server))
        spec.addFile(
            OutputFileSpec(
                name: "server.key", contents: [.privateKey("server")], keyEncoding: encryption,
                mode: keyMode, owner: keyOwner))
        return spec
    }

    static func prepare(
        _ cluster: Cluster, _ spec: PKISpec, extra: ServerSettings = ServerSettings()
    ) throws -> PKIMaterial {
        let material = try PKI.materialize(spec, into: cluster.filesDirectory, serverAccount: cluster.workspace.account)
        try cluster.configure(
            ServerSettings.ssl(certFile: try material.path("server.crt"), keyFile: try material.path("server.key"))
                .merging(extra))
        try cluster.setHBA([HBARule(.hostssl, user: "alice", address: "127.0.0.1/32", method: "trust")])
        return material
    }

    static func verifyFull(_ cluster: Cluster, _ material: PKIMaterial) async throws -> Outcome {
        try await cluster.query("CREATE ROLE alice LOGIN")
        return await Probe(cluster: cluster).connect(
            ConnectionParameters(
                host: host, hostaddr: "127.0.0.1", port: cluster.port, user: "alice", sslmode: "verify-full",
                sslrootcert: .path(try material.path("root.crt"))))
    }

    @Test(
        "the server starts with a generated key and libpq verifies it with verify-full",
        arguments: [KeyAlgorithm.ecP256, .rsa2048])
    func startsAndVerifies(_ algorithm: KeyAlgorithm) async throws {
        try await Cluster.with { cluster in
            let material = try Self.prepare(cluster, Self.spec(algorithm))
            try await cluster.start()
            let outcome = try await Self.verifyFull(cluster, material)
            let session = try #require(outcome.session, "verify-full rejected: \(outcome)")
            #expect(session.client.encrypted)
            #expect(session.client.protocol == "TLSv1.3")
            #expect(session.server.ssl)
        }
    }

    @Test("a server key with group/world access stops the server, with PostgreSQL's own message")
    func refusesOpenKey() async throws {
        try await Cluster.with { cluster in
            let material = try Self.prepare(cluster, Self.spec(.ecP256, keyMode: 0o644))
            let error = await #expect(throws: ClusterKitError.self) { try await cluster.start() }
            let key = try material.path("server.key")
            let text = error?.description ?? ""
            let expected = MessageCatalogue.template(
                .serverKeyGroupWorldAccess, .inProcess(server: cluster.installation)
            ).rendered(["server_key": key])
            #expect(text.contains("FATAL:  " + expected))
            #expect(
                text.contains(
                    "DETAIL:  "
                        + MessageCatalogue.text(.serverKeyPermissionDetail, .inProcess(server: cluster.installation))))
        }
    }

    @Test("a 0640 server key owned by root with the server's group is accepted")
    func acceptsRootOwned0640() async throws {
        try await Cluster.with { cluster in
            let material = try Self.prepare(cluster, Self.spec(.ecP256, keyMode: 0o640, keyOwner: .rootWithServerGroup))
            try await cluster.start()
            #expect(try await Self.verifyFull(cluster, material).isAccepted)
        }
    }

    @Test("ssl_passphrase_command: the right passphrase starts the server, a wrong one stops it")
    func passphraseCommand() async throws {
        let spec = Self.spec(.ecP256, encryption: .pkcs8Encrypted(passphrase: "open sesame"))
        try await Cluster.with { cluster in
            let material = try Self.prepare(
                cluster, spec, extra: ServerSettings([("ssl_passphrase_command", .string("echo 'open sesame'"))]))
            try await cluster.start()
            #expect(try await Self.verifyFull(cluster, material).isAccepted)
        }
        try await Cluster.with { cluster in
            let material = try Self.prepare(
                cluster, spec, extra: ServerSettings([("ssl_passphrase_command", .string("echo wrong"))]))
            let error = await #expect(throws: ClusterKitError.self) { try await cluster.start() }
            // OpenSSL reports a wrong passphrase as "bad decrypt", or (1 in ~256 random salts) "unsupported".
            let expected =
                MessageTemplate("FATAL:  ").text
                + MessageCatalogue.template(.serverKeyLoadFailed, .inProcess(server: cluster.installation))
                .filling([
                    "server_key": try material.path("server.key"),
                    "detail": MessageCatalogue.wrongPassphraseDetail(
                        .inProcess(server: cluster.installation), printedBy: .server),
                ]).text
            let lines = error.map { "\($0)".split(separator: "\n").map(String.init) } ?? []
            #expect(lines.contains { MessageTemplate(expected).matches($0) }, "\(lines)")
        }
    }

    @Test("a reload with a broken certificate is reported and the server keeps its previous TLS configuration")
    func brokenReloadKeepsOldConfig() async throws {
        try await Cluster.with { cluster in
            let material = try Self.prepare(cluster, Self.spec(.ecP256))
            try await cluster.start()
            #expect(try await Self.verifyFull(cluster, material).isAccepted)
            try cluster.writeServerFile("server.crt", Data("not a certificate\n".utf8), mode: 0o644)
            let error = await #expect(throws: ClusterKitError.self) { try await cluster.reload() }
            #expect(error?.code == "reload-rejected")
            #expect(error?.description.contains("SSL configuration was not reloaded") == true)
            #expect(error?.description.contains("could not load server certificate file") == true)
            // The old certificate is still served: verify-full still succeeds.
            let again = await Probe(cluster: cluster).connect(
                ConnectionParameters(
                    host: Self.host, hostaddr: "127.0.0.1", port: cluster.port, user: "alice", sslmode: "verify-full",
                    sslrootcert: .path(try material.path("root.crt"))))
            #expect(again.session?.client.encrypted == true, "after the rejected reload: \(again)")
        }
    }
}
