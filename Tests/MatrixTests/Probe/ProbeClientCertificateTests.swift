import ClusterKit
import Foundation
import Testing

@Suite("Client certificates as both sides see them", .tags(.liveServer))
struct ProbeClientCertificateTests {
    @Test(
        "cert auth: pg_stat_ssl and sslinfo show the client DN and issuer; an encrypted key needs sslpassword and never prompts"
    )
    func clientCertificate() async throws {
        try await Cluster.with { cluster in
            let tls = try await TLSFixture.install(on: cluster)
            try cluster.setHBA([HBARule(.hostssl, method: "cert")])
            try await cluster.start()
            try await cluster.query("create role alice login")
            try await cluster.query("create extension sslinfo")
            let probe = Probe(cluster: cluster)
            var parameters = ConnectionParameters(
                host: tls.serverName, hostaddr: "127.0.0.1", port: cluster.port, user: "alice",
                sslmode: "verify-full", sslrootcert: .path(tls.rootCert),
                sslcert: .path(tls.clientCert), sslkey: .path(tls.clientKey))
            let outcome = await probe.connect(parameters)
            print(outcome)
            let session = try #require(outcome.session, "\(outcome)")
            #expect(session.server.clientDN == "/CN=alice")
            #expect(session.server.issuerDN == "/CN=Probe Test Root CA")
            #expect(session.server.clientSerial != nil)
            #expect(session.sslinfo?.clientCertPresent == true)
            #expect(session.sslinfo?.clientDN == "/CN=alice")
            #expect(session.sslinfo?.issuerDN == "/CN=Probe Test Root CA")
            #expect(session.sslinfo?.clientSerial == session.server.clientSerial)
            #expect(session.authentication.method == "cert" && session.authentication.identity == "CN=alice")
            #expect(session.authentication.channelBindingUsed == false)

            // The same key, encrypted. No sslpassword: the probe runs this connect in a child
            // with no terminal and /dev/null as stdin (TerminalFreeProbe), so OpenSSL's prompt
            // cannot wait, and loading the key fails.
            let encrypted = tls.directory + "/client-encrypted.key"
            _ = try await Command.run(
                "/usr/bin/openssl",
                [
                    "pkey", "-in", tls.clientKey, "-aes256", "-passout", "pass:s3cret", "-out", encrypted,
                ]
            ).checked()
            chmod(encrypted, 0o600)
            parameters.sslkey = .path(encrypted)
            let clock = ContinuousClock()
            let start = clock.now
            let noPassword = await probe.connect(parameters)
            // A prompt would wait forever; the bound only has to be finite (a child process
            // start takes seconds on a loaded machine).
            #expect(clock.now - start < .seconds(60), "a prompt would hang")
            let attempt = try #require(noPassword.rejection?.attempts.first, "\(noPassword)")
            // fe-secure-openssl.c: "could not load private key file \"%s\": %s" (OpenSSL's reason after it)
            #expect(attempt.message.hasPrefix("could not load private key file \"\(encrypted)\": "), "\(attempt)")

            parameters.sslpassword = "s3cret"
            let withPassword = await probe.connect(parameters)
            #expect(withPassword.session?.server.clientDN == "/CN=alice", "\(withPassword)")
        }
    }
}
