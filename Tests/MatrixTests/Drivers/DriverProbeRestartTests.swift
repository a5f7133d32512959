import Foundation
import Scenarios
import Synchronization
import Testing

@testable import ClusterKit

#if canImport(Glibc)
    import Glibc
#endif

/// "No hang ever" with real driver probes: a probe that dies in the middle of a request (SIGKILL
/// to its pid while it waits on a server), or exits on a request, makes that case a probe
/// failure that says why, and the next request is served by a new probe. A PostgresNIO full
/// run once stalled exactly there: the harness waited forever for a dead probe to be reaped
/// (Foundation's `Process` never saw it end; see `WorkerProcess`). No cluster is needed: the
/// "server" is a listener this test controls, the next request goes to a closed port.
@Suite("Driver probes: restart after a crash, no hang", .tags(.liveServer), .serialized)
struct DriverProbeRestartTests {
    static let registry = try? DriverRegistry(
        path: PackagePaths.root + "/" + DriverRegistry.relativePath, repository: PackagePaths.root)
    static let names = DriverProbeTests.names

    @Test(
        "SIGKILL to a probe mid-request: the case is a probe failure with the reason; a new probe serves the next",
        .timeLimit(.minutes(10)), arguments: names)
    func killedMidRequest(_ name: String) async throws {
        let (client, pool) = try await Self.start(name)
        defer { Task { await client.shutdown() } }
        // Accepts the probe's TCP connection and never answers its startup packet: the probe
        // is then provably inside the request, waiting on the server, with 60 s of its own
        // timeout left. sslmode=disable: no driver reads a certificate file first.
        let silent = try LoopbackListener()
        defer { silent.close() }
        var probe = Probe(clientDirectory: NSTemporaryDirectory(), expectedCluster: nil, log: nil)
        probe.client = client
        let parameters = ConnectionParameters(
            host: "127.0.0.1", port: silent.port, user: "alice", password: "secret", sslmode: "disable",
            connectTimeout: 60, applicationName: "killed-\(name)")
        let done = Atomic<Bool>(false)
        let pending = Task {
            let outcome = await probe.connect(parameters)
            done.store(true, ordering: .releasing)
            return outcome
        }
        // Short polls with async sleeps in between: a blocking wait here would hold one of the
        // cooperative pool's threads that the request itself needs.
        var held: LoopbackConnection?
        for _ in 0..<1200 where held == nil && !done.load(ordering: .acquiring) {
            held = try silent.accept(waiting: .milliseconds(1), ioTimeout: .seconds(120))
            if held == nil { try await Task.sleep(for: .milliseconds(100)) }
        }
        if held == nil {
            Issue.record("\(name)'s probe never connected to the listener; it answered: \(await pending.value.result)")
            return
        }
        let victim = try #require(await pool.workerPIDs.first)
        let clock = ContinuousClock()
        let killedAt = clock.now
        kill(victim, SIGKILL)
        let outcome = await pending.value
        // Well inside the request's own deadline (2 x 60 + 5 s): the death was seen, not timed out.
        #expect(
            clock.now - killedAt < .seconds(30),
            "\(name): the dead probe was noticed only after \(clock.now - killedAt)")
        guard case .notAttempted(let reason) = outcome.result else {
            Issue.record("\(name): a killed probe must make the case a probe failure, got \(outcome.result)")
            return
        }
        #expect(reason.contains("client-worker-died"), "\(reason)")
        #expect(reason.contains("was killed by signal 9 (SIGKILL) while it handled the request"), "\(reason)")
        // Marked as the driver's process dying, so the conformance report classes it a crash.
        #expect(outcome.driver?.errorClass == DriverCaseDetail.processDied, "\(String(describing: outcome.driver))")
        #expect(await pool.restarts == 1)
        held = nil  // closes the connection

        let next = await probe.connect(try Self.refused(name: name))
        #expect(next.rejection != nil, "\(name): the request after the crash was not served: \(next.result)")
        #expect(next.driver?.errorClass?.isEmpty == false, "\(name): \(String(describing: next.driver))")
        #expect(await !pool.workerPIDs.contains(victim))
        #expect(!ProcessIdentity.isRunning(victim))
    }

    @Test(
        "a probe that exits on a request (pgx at its 16 MiB line limit): reported with its exit status; the next runs",
        .timeLimit(.minutes(10)))
    func exitsOnRequest() async throws {
        let (client, pool) = try await Self.start("pgx")
        defer { Task { await client.shutdown() } }
        let first = try #require(await pool.workerPIDs.first)
        // The Go probe reads lines with a 16 MiB bufio.Scanner limit and stops at a longer
        // one: it ends (status 0) without answering. A real probe, a real exit.
        let huge = WorkerRequest(
            id: "huge", parameters: [("host", "127.0.0.1"), ("options", String(repeating: "x", count: 17 << 20))],
            environment: [:], timeoutSeconds: 10)
        let clock = ContinuousClock()
        let started = clock.now
        do {
            _ = try await pool.connect(huge, deadline: 300)
            Issue.record("the pgx probe answered a 17 MiB request line")
        } catch let error as InstallationError {
            #expect(error.code == "client-worker-died", "\(error)")
            #expect("\(error)".contains("exited with status 0 while it handled the request"), "\(error)")
        }
        #expect(clock.now - started < .seconds(120), "the exit was seen only after \(clock.now - started)")
        #expect(await pool.restarts == 1)
        #expect(!ProcessIdentity.isRunning(first))

        var probe = Probe(clientDirectory: NSTemporaryDirectory(), expectedCluster: nil, log: nil)
        probe.client = client
        let next = await probe.connect(try Self.refused(name: "pgx"))
        #expect(next.rejection != nil, "the request after the exit was not served: \(next.result)")
        #expect(await !pool.workerPIDs.contains(first))
    }

    @Test(
        "a server started while a probe runs inherits none of the harness's pipes or sockets", .timeLimit(.minutes(10)))
    func serverInheritsNothing() async throws {
        // The stall's root cause: a postmaster spawned while a probe ran kept a copy of the
        // probe's pipe and of Foundation's child-watch socket, so the probe's death was never seen.
        let (client, pool) = try await Self.start(Self.names.contains("pgx") ? "pgx" : Self.names[0])
        defer { Task { await client.shutdown() } }
        try #require(await !pool.workerPIDs.isEmpty)
        try await Cluster.with { cluster in
            try await cluster.start()
            let pid = try #require(Postmaster.readPidFile(dataDirectory: cluster.dataDirectory)?.pid)
            let mine = Self.pipesAndSockets(of: getpid())
            let inherited = Self.pipesAndSockets(of: pid).intersection(mine)
            #expect(!mine.isEmpty)
            #expect(inherited.isEmpty, "the postmaster holds the harness's \(inherited.sorted())")
        }
    }

    /// The pipe and socket inodes a process holds ("pipe:[123]", "socket:[456]").
    static func pipesAndSockets(of pid: Int32) -> Set<String> {
        let directory = "/proc/\(pid)/fd"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return Set(
            names.compactMap { try? FileManager.default.destinationOfSymbolicLink(atPath: "\(directory)/\($0)") }
                .filter { $0.hasPrefix("pipe:") || $0.hasPrefix("socket:") })
    }

    @Test(
        "PostgresNIO 1.33.2 traps on a TLS handshake that fails as its handler is added: each case is a crash finding",
        .timeLimit(.minutes(10)))
    func postgresNIOTrap() async throws {
        // ssl_min_protocol_version above ssl_max: libpq refuses before connecting; NIOSSL's
        // handshake fails inside PostgresNIO's establishSSLConnection, whose state machine then
        // hits preconditionFailure("Can only add a ssl handler after negotiation") (1.33.2,
        // ConnectionStateMachine.sslHandlerAdded): a trap no caller can catch.
        let (client, _) = try await Self.start("postgresnio")
        let identity = try #require(client.driver)
        let groups = MatrixDefinition.groups.compactMap { group -> MatrixGroup? in
            var group = group
            group.scenarios = group.scenarios.filter { scenario in
                // Two server TLS variants that start (the model refuses each on the client side).
                let servers = ["min=TLSv1.3", "max=TLSv1.2"].map {
                    "hostssl trust / root-signed / trust root / \($0) / client-min=TLSv1.3 / client-max=TLSv1.2 /"
                }
                return servers.contains { scenario.id.contains($0) }
                    && ["require /", "verify-full /"].contains { scenario.id.hasPrefix($0) }
            }
            return group.scenarios.isEmpty ? nil : group
        }
        let installation = try Installation.discover()
        var runner = ScenarioRunner(installation: installation, groupParallelism: 1)
        runner.client = client
        let results = await runner.run(
            groups.map { MatrixRealizer.realize($0, versions: .inProcess(server: installation)) })
        await client.shutdown()
        try #require(!results.isEmpty)
        for r in results {
            // Whatever the driver does, the model's answer is a refusal, and a dead probe is a crash.
            #expect(r.expected.hasPrefix("rejected"), "\(r.id): \(r.expected)")
            if r.driver?.errorClass == DriverCaseDetail.processDied {
                #expect(r.deviation?.class == .crash, "\(r.id): \(String(describing: r.deviation))")
                #expect(r.deviation?.kind.contains("where libpq refuses: invalid SSL protocol version range") == true)
            }
        }
        // The pinned release has the bug: every case of the slice took the probe down with a
        // signal (SIGILL: Swift's trap instruction). A release that fixes it fails here, on purpose.
        if identity.version == "1.33.2" {
            for r in results {
                #expect(
                    r.deviation?.class == .crash,
                    "\(r.id): \(r.verdict) \(r.differences) \(String(describing: r.observed)) \(String(describing: r.driver))"
                )
                #expect(r.deviation?.kind.contains("was killed by signal 4 (SIGILL)") == true, "\(r.id)")
            }
        }
    }

    /// A pool of `name`'s probes, as `sslmatrix drivers` starts them.
    static func start(_ name: String) async throws -> (ProbeClient, ClientWorkerPool) {
        let registry = try #require(Self.registry)
        let driver = try #require(try registry.select([name]).first)
        try #require(
            driver.isInstalled(in: registry), "\(name) is not installed: run `\(driver.setup)` (make test does)")
        let client = try await driver.makeClient(in: registry)
        guard case .worker(let pool) = client else {
            throw DriverError.probeFailed(name: name, reason: "no pool", setup: "")
        }
        return (client, pool)
    }

    /// A case against a port nobody listens on: every driver answers at once with its own error.
    static func refused(name: String) throws -> ConnectionParameters {
        let closed = try LoopbackListener()
        let port = closed.port
        closed.close()
        return ConnectionParameters(
            host: "127.0.0.1", port: port, user: "alice", sslmode: "disable", applicationName: "refused-\(name)")
    }
}

/// Unix-socket cases reach the server through every driver that takes a socket directory:
/// asyncpg once answered FileNotFoundError for all of them because the probe passed the
/// directory as host= and the port only inside the DSN, which asyncpg then ignores.
@Suite("Driver probes: Unix sockets", .tags(.liveServer))
struct DriverProbeUnixSocketTests {
    @Test("asyncpg over a Unix socket: the server's own rejection, not FileNotFoundError")
    func asyncpgSocket() async throws {
        let (client, _) = try await DriverProbeRestartTests.start("asyncpg")
        defer { Task { await client.shutdown() } }
        try await Cluster.with { cluster in
            // A root file that exists: asyncpg loads it even for a socket it will not encrypt.
            let tls = try await TLSFixture.install(on: cluster)
            try cluster.setHBA([HBARule(.local, user: "alice", method: "trust")])
            try await cluster.start()
            try await cluster.query("create role alice login")
            var probe = Probe(cluster: cluster)
            probe.client = client
            for (user, mode) in [("alice", "disable"), ("alice", "verify-ca"), ("bob", "disable")] {
                let outcome = await probe.connect(
                    ConnectionParameters(
                        host: cluster.socketDirectory, port: cluster.port, user: user, sslmode: mode,
                        sslrootcert: .path(tls.rootCert)))
                if user == "alice" {
                    // libpq uses no TLS on a Unix socket, whatever sslmode says; asyncpg does the same.
                    let session = try #require(outcome.session, "\(mode): \(outcome.result)")
                    #expect(session.sessionUser == "alice" && !session.server.ssl)
                } else {
                    let rejection = try #require(outcome.rejection, "\(outcome.result)")
                    #expect(rejection.errorMessage.contains("no pg_hba.conf entry"), "\(rejection.errorMessage)")
                }
            }
        }
    }
}
