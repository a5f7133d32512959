import ClusterKit
import Foundation
import Scenarios
import Synchronization
import Testing

/// Reusing a running server across groups must change nothing but the time: the same
/// results as a fresh server per group, nothing left over from the previous group, and a
/// switch that cannot be proved falls back to a fresh server and says so.
@Suite("Server reuse across groups", .tags(.liveServer))
struct ServerReuseTests {
    /// What must be equal between a run with and without reuse: everything a report shows,
    /// except OpenSSL's own coin flip for a wrong PKCS#8 passphrase ('bad decrypt' or
    /// 'unsupported', ~1/256 each time, see MessageCatalogue) which differs between any two runs.
    static func comparable(_ results: [CaseResult]) throws -> [String] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try results.map { r in
            String(decoding: try encoder.encode(r), as: UTF8.self)
                .replacingOccurrences(of: ": unsupported", with: ": bad decrypt")
        }
    }

    static func runBoth(
        _ groups: [RunnableGroup]
    ) async throws -> (
        on: [CaseResult], off: [CaseResult], statistics: ReuseStatistics
    ) {
        let installation = try Installation.discover()
        let notes = NoteLog()
        let (on, statistics) = await ScenarioRunner(installation: installation, reuse: true, note: notes.add)
            .runCounting(groups)
        let off = try await runWithoutReuse(groups)
        #expect(statistics.fallbacks.isEmpty, "\(notes.all)")
        return (on, off, statistics)
    }

    /// Every group on a fresh server of its own (a group with nothing to run needs none).
    static func runWithoutReuse(_ groups: [RunnableGroup]) async throws -> [CaseResult] {
        let installation = try Installation.discover()
        let (off, statistics) = await ScenarioRunner(installation: installation, reuse: false).runCounting(groups)
        #expect(statistics.switches == 0 && statistics.restarts == 0)
        #expect(statistics.freshStarts == Set(off.filter { $0.verdict != .skipped }.map(\.group)).count)
        return off
    }

    @Test("a matrix slice of several groups: identical results with reuse on and off")
    func matrixSlice() async throws {
        let installation = try Installation.discover()
        // Several groups of the matrix, with different chains, TLS bounds, CRLs and hba rules.
        let groups = MatrixDefinition.groups.enumerated().filter { $0.offset % 8 == 0 }.map { index, group in
            var g = group
            g.scenarios = g.scenarios.enumerated().filter { $0.offset % 12 == 0 }.map(\.element)
            return MatrixRealizer.realize(g, versions: .inProcess(server: installation))
        }
        #expect(groups.count >= 5)
        let (on, off, statistics) = try await Self.runBoth(groups)
        #expect(statistics.switches > 0, "\(statistics)")
        #expect(on.count == off.count)
        #expect(try Self.comparable(on) == Self.comparable(off))
        #expect(on.allSatisfy { $0.verdict == .agree || $0.verdict == .skipped })
    }

    @Test("every example file: identical results with reuse on and off")
    func examples() async throws {
        // With reuse: the run the example test reads too (ExampleSession).
        let on = try await ExampleSession.shared.results()
        let off = try await Self.runWithoutReuse(on.groups)
        #expect(on.statistics.fallbacks.isEmpty, "\(on.notes)")
        #expect(on.statistics.switches > 0, "\(on.statistics)")
        #expect(try Self.comparable(on.results) == Self.comparable(off))
        for r in on.results where r.verdict != .agree {
            Issue.record(Comment(rawValue: "\(r.group) / \(r.id): \(r.differences.joined(separator: "\n"))"))
        }
    }

    /// Group one creates a role with a password, an ident map and an extension; group two,
    /// on the same server, declares none of them and must not find them.
    static let leakFile = """
        pki:
          certificates:
            - {name: root, cn: Leak Root CA, ca: true}
            - {name: server, issuer: root, cn: db.example.test, san: [dns:db.example.test], purpose: server}
            - {name: alice, issuer: root, cn: alice, purpose: client}
          files:
            - {name: root.crt, contains: [root]}
            - {name: server.crt, contains: [server]}
            - {name: server.key, key: server}
            - {name: alice.crt, contains: [alice]}
            - {name: alice.key, key: alice}
        client_defaults: {sslmode: verify-full, host: db.example.test, sslrootcert: root.crt}
        groups:
          - name: first
            server:
              settings: {ssl: on, ssl_cert_file: pki:server.crt, ssl_key_file: pki:server.key, ssl_ca_file: pki:root.crt}
              hba:
                - hostssl all app all scram-sha-256
                - hostssl all all all cert map=m
              ident: [m alice alice_app]
              roles: [{name: app, password: app-secret}, alice_app]
              extensions: [sslinfo]
            cases:
              - {name: password, client: {user: app, password: app-secret}, expect: {outcome: accepted}}
              - {name: mapped, client: {user: alice_app, sslcert: alice.crt, sslkey: alice.key}, expect: {outcome: accepted, user: alice_app}}
          - name: second
            server:
              settings: {ssl: on, ssl_cert_file: pki:server.crt, ssl_key_file: pki:server.key, ssl_ca_file: pki:root.crt}
              hba:
                - hostssl all all all scram-sha-256
              roles: [other]
            cases:
              - name: role-gone
                client: {user: app, password: app-secret}
                expect: {outcome: rejected, message: 'password authentication failed for user "app"', server_log: 'Role "app" does not exist'}
              - name: map-role-gone
                client: {user: alice_app, password: x}
                expect: {outcome: rejected, message: 'password authentication failed for user "alice_app"', server_log: 'Role "alice_app" does not exist'}
        """

    @Test("roles, passwords, maps and extensions of one group do not leak into the next")
    func noLeak() async throws {
        let file = try ScenarioFile.parse(Self.leakFile, file: "leak.yaml")
        let installation = try Installation.discover()
        let (results, statistics) = await ScenarioRunner(installation: installation, groupParallelism: 1)
            .runCounting(file.groups)
        #expect(statistics.freshStarts == 1 && statistics.switches == 1, "\(statistics)")
        for r in results where r.verdict != .agree {
            Issue.record(Comment(rawValue: "\(r.group) / \(r.id): \(r.differences.joined(separator: "\n"))"))
        }
        #expect(results.count == 4)
    }

    @Test("a switch that cannot be proved falls back to a fresh server and says so")
    func fallback() async throws {
        var file = try ScenarioFile.parse(Self.leakFile, file: "leak.yaml")
        // DateStyle is reloadable, but reads back as 'ISO, MDY', not as written: the switch
        // cannot be verified, so the second group must get a fresh server.
        file.groups[1].settings["DateStyle"] = .string("iso")
        let installation = try Installation.discover()
        let notes = NoteLog()
        let (results, statistics) = await ScenarioRunner(
            installation: installation, groupParallelism: 1, note: notes.add
        ).runCounting(file.groups)
        #expect(statistics.fallbacks.count == 1 && statistics.switches == 0 && statistics.freshStarts == 2)
        #expect(notes.all.contains { $0.contains("second") && $0.contains("DateStyle") }, "\(notes.all)")
        #expect(results.allSatisfy { $0.verdict == .agree }, "\(results.map(\.differences))")
    }

    @Test("groups a reload cannot switch to restart the lane's cluster, with a fresh server's results")
    func restarts() async throws {
        // A key the server refuses, passphrase commands (run only at start) right and wrong,
        // and a group whose max_connections needs a restart: none can be switched by reload.
        let keys = try ScenarioFile.load(
            path: ScenarioFileExampleTests.examplesDirectory + "/key-permissions-and-passphrase.yaml")
        var leak = try ScenarioFile.parse(Self.leakFile, file: "leak.yaml")
        leak.groups[1].settings["max_connections"] = .int(20)
        let groups = keys.groups + leak.groups
        let installation = try Installation.discover()
        let notes = NoteLog()
        let (on, statistics) = await ScenarioRunner(
            installation: installation, groupParallelism: 1, note: notes.add
        ).runCounting(groups)
        let off = await ScenarioRunner(installation: installation, groupParallelism: 1, reuse: false).run(groups)
        #expect(statistics.fallbacks.isEmpty, "\(notes.all)")
        #expect(statistics.freshStarts == 1, "\(statistics.summary)")
        // The passphrase that works and max_connections need a restart; the two servers that
        // must not start run beside the lane's running server.
        #expect(statistics.restarts >= 2, "\(statistics.summary)")
        #expect(statistics.startsBeside == 2, "\(statistics.summary)")
        #expect(
            statistics.freshStarts + statistics.switches + statistics.restarts + statistics.startsBeside
                == groups.count)
        #expect(try Self.comparable(on) == Self.comparable(off))
        for r in on where r.verdict != .agree {
            Issue.record(Comment(rawValue: "\(r.group) / \(r.id): \(r.differences.joined(separator: "\n"))"))
        }
    }

    @Test("a group with nothing to run leaves the lane's server as it is")
    func nothingToRun() async throws {
        let file = try ScenarioFile.parse(Self.leakFile, file: "leak.yaml")
        // Restart-only and smallest: with the lane's server kept, it would come last and cost
        // a restart (or a destroyed server) for no case.
        var skipped = file.groups[1]
        skipped.id += "-skipped"
        skipped.settings["max_connections"] = .int(20)
        skipped.cases = skipped.cases.prefix(1).map {
            var c = $0
            c.skipReason = "not realisable here (test)"
            return c
        }
        let installation = try Installation.discover()
        let (results, statistics) = await ScenarioRunner(installation: installation, groupParallelism: 1)
            .runCounting(file.groups + [skipped])
        #expect(statistics.freshStarts == 1 && statistics.switches == 1, "\(statistics.summary)")
        #expect(statistics.restarts == 0 && statistics.fallbacks.isEmpty, "\(statistics.summary)")
        let mine = results.filter { $0.group == skipped.id }
        #expect(mine.count == 1 && mine.allSatisfy { $0.verdict == .skipped && $0.differences.count == 1 })
        #expect(results.filter { $0.group != skipped.id }.allSatisfy { $0.verdict == .agree })
    }

    @Test("reloadability comes from the server's pg_settings.context")
    func contexts() async throws {
        let contexts = try await ParameterContexts.of(try Installation.discover())
        for name in ["ssl_cert_file", "ssl_key_file", "ssl_ca_file", "ssl_crl_file", "ssl_min_protocol_version"] {
            #expect(contexts.isReloadable(name), "\(name)")
        }
        #expect(!contexts.isReloadable("shared_buffers"))
        #expect(!contexts.isReloadable("no_such_parameter"))
        let a = ServerSettings([("ssl_cert_file", .string("a")), ("max_connections", .int(10))])
        let b = ServerSettings([("ssl_cert_file", .string("b")), ("max_connections", .int(20))])
        #expect(contexts.restartNeeded(from: a, to: b) == ["max_connections"])
    }
}

/// Collects the runner's notes (they arrive from several tasks).
final class NoteLog: Sendable {
    private let notes = Mutex<[String]>([])
    var add: @Sendable (String) -> Void { { text in self.notes.withLock { $0.append(text) } } }
    var all: [String] { notes.withLock { $0 } }
}
