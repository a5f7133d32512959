import ClusterKit
import Testing

/// What an application's test suite does with ClusterKit: start a TLS PostgreSQL, connect
/// the way the application will (verify-full, a client certificate), and assert on what
/// libpq and the server report. Each test gets its own cluster; `TLSCluster.with` stops it
/// and removes every file, also when the test fails.
@Suite("an application's tests against a throwaway TLS PostgreSQL")
struct TLSClusterExampleTests {
    static var hasPostgreSQL: Bool { (try? Installation.discover()) != nil }

    @Test(
        "verify-full with the generated client certificate is encrypted and logs in as the certificate's CN",
        .enabled(if: hasPostgreSQL))
    func verifyFullWithClientCertificate() async throws {
        try await TLSCluster.with { db in
            let outcome = await db.probe.connect(db.connectionParameters())
            let session = try #require(outcome.session, "\(outcome)")
            #expect(session.client.encrypted)
            #expect(session.client.protocol?.hasPrefix("TLSv1.") == true)
            #expect(session.sessionUser == db.user)
            #expect(session.server.clientDN?.contains("CN=\(db.user)") == true)
        }
    }

    @Test("a client that expects another host name is refused by verify-full", .enabled(if: hasPostgreSQL))
    func wrongHostName() async throws {
        try await TLSCluster.with { db in
            var parameters = db.connectionParameters()
            parameters.host = "db.elsewhere.test"
            let outcome = await db.probe.connect(parameters)
            #expect(!outcome.isAccepted)
            let message = outcome.rejection?.errorMessage ?? ""
            #expect(message.contains("does not match host name \"db.elsewhere.test\""), "\(message)")
        }
    }

    @Test("password login over verify-full, without a client certificate", .enabled(if: hasPostgreSQL))
    func passwordOverTLS() async throws {
        let options = TLSClusterOptions(user: "app", authentication: .password("app-secret"))
        try await TLSCluster.with(options) { db in
            let outcome = await db.probe.connect(db.connectionParameters())
            #expect(outcome.session?.client.encrypted == true, "\(outcome)")
            #expect(outcome.session?.sessionUser == "app")
            // A plaintext attempt is refused by the cluster's `hostnossl ... reject` line.
            let plain = await db.probe.connect(db.connectionParameters(sslmode: "disable"))
            #expect(!plain.isAccepted)
        }
    }
}
