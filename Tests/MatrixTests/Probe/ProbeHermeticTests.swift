import ClusterKit
import Foundation
import Testing

/// The probe's result depends on its parameters only: not on PG* variables, service files,
/// or files under ~/.postgresql. The hostile environments are given to psql children (the
/// test process's own environment is shared by parallel tests and is not touched).
@Suite("Probe hermeticity", .tags(.liveServer))
struct ProbeHermeticTests {
    // fe-secure-openssl.c: "root certificate file \"%s\" does not exist\n" followed by
    // "Either provide the file or change sslmode to disable server certificate verification.\n"
    static func missingRoot(_ path: String) -> String {
        "root certificate file \"\(path)\" does not exist\n"
            + "Either provide the file or change sslmode to disable server certificate verification."
    }

    @Test("hostile PG* variables, a service file and a HOME with .postgresql/root.crt change nothing")
    func hostileEnvironmentChangesNothing() async throws {
        try await Cluster.with { cluster in
            let tls = try await TLSFixture.install(on: cluster)
            try cluster.setHBA([HBARule(.hostssl, method: "trust"), HBARule(.hostnossl, method: "trust")])
            try await cluster.start()
            try await cluster.query("create role alice login")
            let clientDir = cluster.workspace.clientDirectory
            // verify-full with no root certificate: must fail, whatever the environment offers.
            let parameters = ConnectionParameters(
                host: tls.serverName, hostaddr: "127.0.0.1", port: cluster.port, user: "alice",
                sslmode: "verify-full", sslrootcert: .none)
            let probe = Probe(cluster: cluster)
            let outcome = await probe.connect(parameters)
            #expect(ClientEnvironment.libpqVariablesPresent.isEmpty)
            let attempt = try #require(outcome.rejection?.attempts.first, "\(outcome)")
            #expect(attempt.message == Self.missingRoot("\(clientDir)/none/sslrootcert"))

            // A hostile world: everything in it would make the connection succeed.
            let hostile = "\(clientDir)/hostile-\(cluster.name)"
            try SecureFiles.makeDirectory(hostile + "/home/.postgresql", mode: 0o700)
            try SecureFiles.makeDirectory(hostile + "/sysconf", mode: 0o700)
            try FileManager.default.copyItem(atPath: tls.rootCert, toPath: hostile + "/home/.postgresql/root.crt")
            let service = "[probe]\nsslmode=disable\nsslrootcert=\(tls.rootCert)\n"
            try SecureFiles.write(service, to: hostile + "/sysconf/pg_service.conf")
            try SecureFiles.write(service, to: hostile + "/services")
            let environment = [
                "PGSSLMODE": "disable", "PGSSLROOTCERT": tls.rootCert, "HOME": hostile + "/home",
                "PGSERVICE": "probe", "PGSERVICEFILE": hostile + "/services", "PGSYSCONFDIR": hostile + "/sysconf",
                "PGHOST": "/nonexistent", "PGPORT": "1", "PGUSER": "nobody", "PGGSSENCMODE": "require",
            ]
            let psql = try PsqlProbe(cluster: cluster)
            let run = try await psql.run(parameters, extraEnvironment: environment)
            #expect(run.exitCode == 2, "\(run)")
            #expect(run.standardError == "psql: error: " + (outcome.rejection?.errorMessage ?? ""), "\(run)")

            // The same world is what makes a psql WITHOUT explicit keywords succeed: the
            // environment really was hostile.
            let naive = try await Command.run(
                cluster.installation.tool("psql"), ["-X", "-w", "-A", "-t", "-c", "select 1", "dbname=postgres"],
                environment: Command.cleanEnvironment(
                    adding: environment.merging([
                        "PGHOST": "127.0.0.1", "PGPORT": String(cluster.port), "PGUSER": "alice",
                        "PGGSSENCMODE": "disable",
                    ]) { $1 }))
            #expect(naive.exitCode == 0 && naive.standardOutput == "1\n", "\(naive.combinedOutput)")
        }
    }

    @Test(
        "libpq 15.18 finds ~/.postgresql/root.crt through $HOME; .libpqDefault names the same file",
        .enabled(
            if: !FileManager.default.fileExists(
                atPath: (ConnectionParameters.libpqHomeDirectory ?? "/nonexistent") + "/.postgresql/root.crt")))
    func defaultRootCertificatePath() async throws {
        try await Cluster.with { cluster in
            let tls = try await TLSFixture.install(on: cluster)
            try cluster.setHBA([HBARule(.hostssl, method: "trust")])
            try await cluster.start()
            try await cluster.query("create role alice login")
            let home = try #require(ConnectionParameters.libpqHomeDirectory)
            let outcome = await Probe(cluster: cluster).connect(
                ConnectionParameters(
                    host: tls.serverName, hostaddr: "127.0.0.1", port: cluster.port, user: "alice",
                    sslmode: "verify-ca", sslrootcert: .libpqDefault))
            let attempt = try #require(outcome.rejection?.attempts.first, "\(outcome)")
            #expect(attempt.message == Self.missingRoot(home + "/.postgresql/root.crt"))

            // psql with no sslrootcert keyword: the default file is looked up under $HOME.
            let fakeHome = "\(cluster.workspace.clientDirectory)/home-\(cluster.name)"
            let emptyHome = fakeHome + "-empty"
            try SecureFiles.makeDirectory(fakeHome + "/.postgresql", mode: 0o700)
            try SecureFiles.makeDirectory(emptyHome, mode: 0o700)
            try FileManager.default.copyItem(atPath: tls.rootCert, toPath: fakeHome + "/.postgresql/root.crt")
            let conninfo =
                "host=\(tls.serverName) hostaddr=127.0.0.1 port=\(cluster.port) user=alice dbname=postgres "
                + "sslmode=verify-ca gssencmode=disable"
            func psql(home: String) async throws -> CommandResult {
                try await Command.run(
                    cluster.installation.tool("psql"), ["-X", "-w", "-A", "-t", "-c", "select 1", conninfo],
                    environment: Command.cleanEnvironment(adding: ["HOME": home]))
            }
            let found = try await psql(home: fakeHome)
            #expect(found.exitCode == 0 && found.standardOutput == "1\n", "\(found.combinedOutput)")
            let missing = try await psql(home: emptyHome)
            #expect(missing.exitCode == 2)
            #expect(
                missing.standardError.contains(Self.missingRoot(emptyHome + "/.postgresql/root.crt")),
                "\(missing.standardError)")
        }
    }

    @Test(".libpqDefault is refused exactly when the default file exists (the refusal itself runs only where it does)")
    func existingDefaultFileIsRefused() async throws {
        let clientDir = try Workspace.shared().clientDirectory
        // A file we own stands in for an existing default: point the check at it.
        let parameters = ConnectionParameters(port: 1, user: "alice", sslmode: "verify-ca", sslrootcert: .libpqDefault)
        let existing = parameters.existingDefaultFiles(clientDirectory: clientDir)
        let home = try #require(ConnectionParameters.libpqHomeDirectory)
        let present = FileManager.default.fileExists(atPath: home + "/.postgresql/root.crt")
        #expect(existing == (present ? [home + "/.postgresql/root.crt"] : []))
        if present {
            let outcome = await Probe(clientDirectory: clientDir, expectedCluster: nil, log: nil).connect(parameters)
            guard case .notAttempted = outcome.result else {
                Issue.record("expected notAttempted, got \(outcome)")
                return
            }
        }
    }
}
