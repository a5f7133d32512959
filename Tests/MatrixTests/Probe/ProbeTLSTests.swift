import ClusterKit
import Foundation
import Testing

@Suite("Probe against real clusters", .tags(.liveServer))
struct ProbeTLSTests {
    @Test("an accepted TLS connection reports TLSv1.3 and the same cipher on both sides")
    func acceptedTLS13() async throws {
        try await Cluster.with { cluster in
            let tls = try await TLSFixture.install(on: cluster)
            try cluster.setHBA([HBARule(.hostssl, method: "trust")])
            try await cluster.start()
            try await cluster.query("create role alice login")
            try await cluster.query("create extension sslinfo")
            let outcome = await Probe(cluster: cluster).connect(
                ConnectionParameters(
                    host: tls.serverName, hostaddr: "127.0.0.1", port: cluster.port, user: "alice",
                    sslmode: "verify-full", sslrootcert: .path(tls.rootCert)))
            print(outcome)
            let session = try #require(outcome.session, "\(outcome)")
            #expect(outcome.wrongServer == nil)
            #expect(session.server.clusterName == cluster.name)
            #expect(session.client.encrypted)
            #expect(session.client.protocol == "TLSv1.3")
            #expect(session.server.ssl)
            #expect(session.server.version == "TLSv1.3")
            #expect(session.client.cipher != nil)
            #expect(session.server.cipher == session.client.cipher)
            #expect(session.server.bits == session.client.keyBits)
            #expect(session.sslinfo?.version == "TLSv1.3")
            #expect(session.sslinfo?.cipher == session.client.cipher)
            #expect(session.sslinfo?.clientCertPresent == false)
            #expect(session.currentUser == "alice" && session.sessionUser == "alice")
            #expect(session.authentication.channelBindingUsed == false, "trust has no SCRAM exchange")
            // Pairing: the server saw our local port, and its log lines for that port are ours.
            let socket = try #require(outcome.sockets.first)
            #expect(outcome.sockets.count == 1)
            #expect(session.server.clientPort == socket.localPort)
            #expect(socket.serverPID == session.server.backendPID)
            #expect(socket.logComplete)
            // postinit.c: "connection authorized: user=%s database=%s application_name=%s SSL enabled (protocol=%s, cipher=%s, bits=%d)"
            let authorized = try #require(socket.serverLog.first { $0.message.hasPrefix("connection authorized:") })
            #expect(
                authorized.message == "connection authorized: user=alice database=postgres "
                    + "application_name=pg-ssl-matrix-probe SSL enabled (protocol=TLSv1.3, "
                    + "cipher=\(session.client.cipher ?? "?"), bits=\(session.client.keyBits ?? 0))")

            // A probe that expected another server flags the outcome.
            let elsewhere = Probe(
                clientDirectory: cluster.workspace.clientDirectory, expectedCluster: "some-other-cluster", log: nil)
            let flagged = await elsewhere.connect(
                ConnectionParameters(
                    host: tls.serverName, hostaddr: "127.0.0.1", port: cluster.port, user: "alice",
                    sslmode: "verify-full", sslrootcert: .path(tls.rootCert)))
            #expect(
                flagged.wrongServer == "expected cluster_name 'some-other-cluster', the server says '\(cluster.name)'")
        }
    }

    @Test(
        "sslmode=disable against a hostssl-only server: no pg_hba.conf entry ..., no encryption; the paired FATAL says the same"
    )
    func disableAgainstHostsslOnly() async throws {
        try await Cluster.with { cluster in
            _ = try await TLSFixture.install(on: cluster)
            try cluster.setHBA([HBARule(.hostssl, method: "trust")])
            try await cluster.start()
            try await cluster.query("create role alice login")
            let outcome = await Probe(cluster: cluster).connect(
                ConnectionParameters(
                    port: cluster.port, user: "alice", sslmode: "disable"))
            print(outcome)
            let rejection = try #require(outcome.rejection, "\(outcome)")
            let attempt = try #require(rejection.attempts.first)
            #expect(rejection.attempts.count == 1)
            // fe-connect.c: "connection to server at \"%s\", port %s failed: "
            #expect(attempt.prefix == "connection to server at \"127.0.0.1\", port \(cluster.port) failed: ")
            // auth.c: "no pg_hba.conf entry for host \"%s\", user \"%s\", database \"%s\", %s" with _("no encryption")
            let expected =
                "no pg_hba.conf entry for host \"127.0.0.1\", user \"alice\", database \"postgres\", no encryption"
            #expect(attempt.severity == "FATAL")
            #expect(attempt.text == expected)
            #expect(rejection.errorMessage == attempt.prefix + "FATAL:  " + expected + "\n")
            // Raised while authenticating: libpq 15 consumes that ErrorResponse untraced, no SQLSTATE.
            #expect(attempt.sqlstate == nil)
            let socket = try #require(outcome.sockets.first)
            #expect(outcome.sockets.count == 1)
            #expect(socket.logComplete)
            let fatal = socket.serverLog.filter { $0.severity == "FATAL" }
            #expect(fatal.map(\.message) == [expected])
            #expect(socket.serverLog.first?.message == "connection received: host=127.0.0.1 port=\(socket.localPort)")

            // The DBA's reproduction: psql prints "psql: error: " and libpq's message verbatim,
            // whether the parameters come as a conninfo string or as PG* variables.
            let psql = try PsqlProbe(cluster: cluster)
            for style in [PsqlProbe.Style.conninfo, .environment] {
                let run = try await psql.run(
                    ConnectionParameters(port: cluster.port, user: "alice", sslmode: "disable"), style: style)
                #expect(run.exitCode == 2)
                #expect(run.standardError == "psql: error: " + rejection.errorMessage, "\(run)")
                #expect(style == .conninfo || run.commandLine.contains("PGSSLMODE=disable"), "\(run.commandLine)")
            }
        }
    }

    @Test(
        "verify-full with a name the certificate does not have: server certificate for ... does not match host name ..."
    )
    func verifyFullNameMismatch() async throws {
        try await Cluster.with { cluster in
            let tls = try await TLSFixture.install(on: cluster, serverName: "db.example.test")
            try cluster.setHBA([HBARule(.hostssl, method: "trust")])
            try await cluster.start()
            try await cluster.query("create role alice login")
            let outcome = await Probe(cluster: cluster).connect(
                ConnectionParameters(
                    host: "wrong.example.test", hostaddr: "127.0.0.1", port: cluster.port, user: "alice",
                    sslmode: "verify-full", sslrootcert: .path(tls.rootCert)))
            print(outcome)
            let rejection = try #require(outcome.rejection, "\(outcome)")
            let attempt = try #require(rejection.attempts.first)
            #expect(rejection.attempts.count == 1)
            // fe-connect.c (emitHostIdentityInfo): with hostaddr the address is what is shown,
            // "connection to server at \"%s\", port %s failed: "; the "\"%s\" (%s)" form is only
            // for a host name libpq looked up itself (see the next expectation).
            #expect(attempt.prefix == "connection to server at \"127.0.0.1\", port \(cluster.port) failed: ")
            // fe-secure-common.c: "server certificate for \"%s\" does not match host name \"%s\""
            #expect(
                attempt.message
                    == "server certificate for \"db.example.test\" does not match host name \"wrong.example.test\"")
            #expect(attempt.severity == nil && attempt.sqlstate == nil)

            // host=localhost without hostaddr: libpq resolves it and prints name and address.
            let resolved = await Probe(cluster: cluster).connect(
                ConnectionParameters(
                    host: "localhost", port: cluster.port, user: "alice",
                    sslmode: "verify-full", sslrootcert: .path(tls.rootCert)))
            let last = try #require(resolved.rejection?.attempts.last, "\(resolved)")
            #expect(last.prefix == "connection to server at \"localhost\" (127.0.0.1), port \(cluster.port) failed: ")
            #expect(last.message == "server certificate for \"db.example.test\" does not match host name \"localhost\"")
            // The backend existed (TLS was negotiated before libpq checked the name).
            #expect(outcome.sockets.count == 1)
            #expect(outcome.sockets.first?.serverPID != nil)
        }
    }

    @Test("prefer against hostssl reject + hostnossl reject shows both attempts, each paired with its FATAL")
    func preferShowsBothAttempts() async throws {
        try await Cluster.with { cluster in
            _ = try await TLSFixture.install(on: cluster)
            try cluster.setHBA([HBARule(.hostssl, method: "reject"), HBARule(.hostnossl, method: "reject")])
            try await cluster.start()
            try await cluster.query("create role alice login")
            let outcome = await Probe(cluster: cluster).connect(
                ConnectionParameters(
                    port: cluster.port, user: "alice", sslmode: "prefer"))
            print(outcome)
            let rejection = try #require(outcome.rejection, "\(outcome)")
            // auth.c: "pg_hba.conf rejects connection for host \"%s\", user \"%s\", database \"%s\", %s"
            let base = "pg_hba.conf rejects connection for host \"127.0.0.1\", user \"alice\", database \"postgres\", "
            #expect(rejection.attempts.map(\.text) == [base + "SSL encryption", base + "no encryption"])
            #expect(
                rejection.attempts.allSatisfy {
                    $0.prefix == "connection to server at \"127.0.0.1\", port \(cluster.port) failed: "
                        && $0.severity == "FATAL"
                })
            #expect(outcome.sockets.count == 2)
            #expect(Set(outcome.sockets.map(\.localPort)).count == 2)
            #expect(
                outcome.sockets.map { $0.serverLog.filter { $0.severity == "FATAL" }.map(\.message) }
                    == [[base + "SSL encryption"], [base + "no encryption"]])
        }
    }
}
