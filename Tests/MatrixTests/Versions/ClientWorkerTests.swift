import ClusterKit
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The client worker against real servers: same Outcome as the in-process probe, its own
/// OpenSSL, no hang, restarts.
@Suite(
    "Client worker", .tags(.liveServer),
    .enabled(if: VersionBuilds.psycopgLibpq != nil && VersionBuilds.workerBuilt, "\(VersionBuilds.skipReason)"))
struct ClientWorkerTests {
    let libpq = VersionBuilds.psycopgLibpq ?? ""

    @Test("psycopg's libpq 18 in a worker: TLS accepted with protocol and cipher, a rejection with libpq's text")
    func roundTrip() async throws {
        let pool = try await ClientWorkerPool(libpq: libpq)
        defer { Task { await pool.shutdown() } }
        // What the worker mapped is psycopg's bundle, not the system OpenSSL this process uses.
        #expect(pool.libraries.libpqVersion / 10000 == 18)
        #expect(pool.libraries.libssl.count == 1 && pool.libraries.libcrypto.count == 1)
        #expect(pool.libraries.libssl[0].hasPrefix((libpq as NSString).deletingLastPathComponent))
        #expect(pool.libraries.openssl?.hasPrefix("OpenSSL 3.5") == true, "\(pool.libraries)")
        #expect(!pool.libraries.isMixed)
        #expect(pool.libraries != ProbeClient.inProcess.libraries)
        try await Cluster.with { cluster in
            let tls = try await TLSFixture.install(on: cluster)
            try cluster.setHBA([HBARule(.hostssl, user: "alice", method: "trust")])
            try await cluster.start()
            try await cluster.query("create role alice login; create role bob login")
            var probe = Probe(cluster: cluster)
            probe.client = .worker(pool)
            let accepted = await probe.connect(
                ConnectionParameters(
                    host: tls.serverName, hostaddr: "127.0.0.1", port: cluster.port, user: "alice",
                    sslmode: "verify-full", sslrootcert: .path(tls.rootCert)))
            let session = try #require(accepted.session, "\(accepted)")
            #expect(session.client.encrypted)
            #expect(session.client.protocol == "TLSv1.3")
            #expect(session.client.cipher != nil && session.client.cipher == session.server.cipher)
            #expect(session.sessionUser == "alice")
            #expect(accepted.clientLibraries == pool.libraries)
            // Paired with the server's log by the worker's local port.
            #expect(accepted.sockets.first?.localPort == session.server.clientPort)
            #expect(accepted.sockets.first?.serverPID == session.server.backendPID)

            let rejected = await probe.connect(
                ConnectionParameters(
                    host: tls.serverName, hostaddr: "127.0.0.1", port: cluster.port, user: "bob",
                    sslmode: "verify-full", sslrootcert: .path(tls.rootCert)))
            let rejection = try #require(rejected.rejection, "\(rejected)")
            #expect(rejection.errorMessage.contains("no pg_hba.conf entry for host \"127.0.0.1\", user \"bob\""))
            #expect(rejection.attempts.first?.severity == "FATAL")
            #expect(rejected.serverLog.contains { $0.message.contains("no pg_hba.conf entry") })

            // The same case in-process gives the same verdict and wording (libpq 15 vs 18
            // word this server-side rejection identically: the text comes from the server).
            let inProcess = await Probe(cluster: cluster).connect(
                ConnectionParameters(
                    host: tls.serverName, hostaddr: "127.0.0.1", port: cluster.port, user: "bob",
                    sslmode: "verify-full", sslrootcert: .path(tls.rootCert)))
            #expect(inProcess.rejection?.attempts.map(\.text) == rejection.attempts.map(\.text))
        }
    }

    @Test("a worker killed between requests is replaced; the request still runs")
    func crashRestart() async throws {
        let pool = try await ClientWorkerPool(libpq: libpq)
        defer { Task { await pool.shutdown() } }
        let victim = try #require(await pool.workerPIDs.first)
        kill(victim, SIGKILL)
        for _ in 0..<200 where kill(victim, 0) == 0 { try await Task.sleep(for: .milliseconds(10)) }
        try await Task.sleep(for: .milliseconds(50))
        let response = try await pool.connect(refusedRequest(), deadline: 20)
        #expect(response.report?.status == .rejected)
        #expect(response.report?.errorMessage?.contains("Connection refused") == true)
        #expect(await !pool.workerPIDs.contains(victim))
    }

    @Test("a request that outlives its deadline kills the worker, answers with an error, and the next one works")
    func timeoutRestart() async throws {
        let pool = try await ClientWorkerPool(libpq: libpq)
        defer { Task { await pool.shutdown() } }
        // Accepts TCP (kernel backlog) and never answers the SSLRequest.
        let silent = try LoopbackListener()
        defer { silent.close() }
        let request = WorkerRequest(
            id: "silent", parameters: [("host", "127.0.0.1"), ("port", String(silent.port)), ("sslmode", "require")],
            environment: [:], timeoutSeconds: 60)
        let clock = ContinuousClock()
        let started = clock.now
        await #expect(throws: InstallationError.self) { try await pool.connect(request, deadline: 1) }
        // The 1 s deadline, not the worker's own 60 s timeout, ended it (45 s leaves a loaded
        // machine room to kill and reap the worker; a clean-clone run under load took 20.5 s).
        #expect(clock.now - started < .seconds(45))
        #expect(await pool.restarts == 1)
        let response = try await pool.connect(refusedRequest(), deadline: 20)
        #expect(response.report?.status == .rejected)
    }

    @Test("a worker process that already maps another OpenSSL is refused: mixed-openssl, nothing started")
    func mixedOpenSSLGuard() async throws {
        // LD_PRELOAD the system libcrypto: the situation of a program that links it (as
        // sslmatrix does) and loads psycopg's libpq.
        let systemCrypto = try #require(ProbeClient.inProcess.libraries.libcrypto.first)
        do {
            _ = try await ClientWorkerPool(libpq: libpq, extraEnvironment: ["LD_PRELOAD": systemCrypto])
            Issue.record("expected mixed-openssl")
        } catch let error as InstallationError {
            #expect(error.code == "mixed-openssl", "\(error)")
            #expect("\(error)".contains(systemCrypto))
        }
    }

    @Test("a file that is not a libpq, and a missing one: libpq-load-failed with the loader's reason")
    func badLibpq() async throws {
        for path in ["/nonexistent/libpq.so.5", ProbeClient.inProcess.libraries.libssl[0]] {
            do {
                _ = try await ClientWorkerPool(libpq: path)
                Issue.record("expected libpq-load-failed for \(path)")
            } catch let error as InstallationError {
                #expect(error.code == "libpq-load-failed", "\(error)")
                #expect("\(error)".contains(path))
            }
        }
    }

    /// A connection to a closed port: refused at once, no server needed.
    func refusedRequest() throws -> WorkerRequest {
        let closed = try LoopbackListener()
        let port = closed.port
        closed.close()
        return WorkerRequest(
            id: "refused-\(port)",
            parameters: [
                ("host", "127.0.0.1"), ("port", String(port)), ("sslmode", "disable"), ("gssencmode", "disable"),
            ],
            environment: [:], timeoutSeconds: 10)
    }
}
