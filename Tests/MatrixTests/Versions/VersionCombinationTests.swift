import ClusterKit
import Foundation
import Scenarios
import Testing

/// Non-default server x client combinations run a slice of the built-in matrix inside
/// `make test`: every case must agree with the model, predicted for the versions of the
/// client that really connected (its libpq major and OpenSSL from the worker's maps).
@Suite(
    "Version combinations: model vs real servers", .tags(.liveServer, .matrix), .serialized,
    .enabled(if: VersionBuilds.haveAll && VersionBuilds.workerBuilt, "\(VersionBuilds.skipReason)"))
struct VersionCombinationTests {
    struct Combination: Sendable, CustomTestStringConvertible {
        /// `--server` selection.
        let server: String
        /// `--client` selection ("own": the server build's own libpq).
        let client: String
        let expectedLibpqMajor: Int
        let expectedOpenSSL: String
        var testDescription: String { "server \(server), client \(client)" }
    }

    static let combinations = [
        // A server build with its own libpq, through a client worker.
        Combination(server: "18", client: "own", expectedLibpqMajor: 18, expectedOpenSSL: "OpenSSL 3.0"),
        // The newer-OpenSSL client against the distribution's server.
        Combination(
            server: "15", client: "psycopg-binary-libpq", expectedLibpqMajor: 18, expectedOpenSSL: "OpenSSL 3.5"),
    ]

    /// The slice: the intermediate-bundled chain (every pg_hba type and method, every client
    /// trust, CRLs) for allow (two attempts), require and verify-full.
    static func slice() -> [MatrixGroup] {
        MatrixDefinition.groups.compactMap { group in
            var group = group
            group.scenarios = group.scenarios.filter { s in
                s.id.contains("intermediate-bundled")
                    && ["allow /", "require /", "verify-full /"].contains { s.id.hasPrefix($0) }
            }
            return group.scenarios.isEmpty ? nil : group
        }
    }

    @Test("a matrix slice agrees with the model", arguments: combinations)
    func matrixSlice(_ combination: Combination) async throws {
        let catalog = try InstallationCatalog.discover()
        let server = try catalog.server(combination.server)
        let chosen =
            combination.client == "own" ? catalog.ownClient(of: server) : try catalog.client(combination.client)
        let client = try await chosen.makeClient()
        let libraries = client.libraries
        #expect(libraries.libpqVersion / 10000 == combination.expectedLibpqMajor)
        #expect(libraries.openssl?.hasPrefix(combination.expectedOpenSSL) == true, "\(libraries)")
        #expect(!libraries.isMixed)
        let versions = Versions.with(server: server, client: libraries)
        let groups = Self.slice().map { MatrixRealizer.realize($0, versions: versions) }
        var runner = ScenarioRunner(installation: server)
        runner.client = client
        let clock = ContinuousClock()
        let started = clock.now
        let results = await runner.run(groups)
        let elapsed = clock.now - started
        await client.shutdown()
        let failed = results.filter { $0.verdict == .disagree || $0.verdict == .error }
        let agreed = results.filter { $0.verdict == .agree }.count
        print(
            "\(combination.testDescription): \(results.count) cases, \(agreed) agree, \(failed.count) not; \(elapsed)")
        #expect(results.count > 300)
        #expect(agreed > 300)
        for result in failed.prefix(10) {
            Issue.record(
                Comment(
                    rawValue: """
                        \(combination.testDescription): \(result.id)
                        \(result.differences.joined(separator: "\n"))
                        expected: \(result.expected)
                        """))
        }
        #expect(failed.count == 0)
    }
}

/// A 16+ server refusing client certificates, with the system's libpq 15: the server's log
/// carries verify_cb's DETAIL (depth, X509 error, the leaf's subject, serial and issuer),
/// predicted by the server's major with the serial of the certificate the run generated,
/// while libpq's text stays libpq 15's.
@Suite(
    "Version combinations: 16+ client-certificate DETAIL", .tags(.liveServer), .serialized,
    .enabled(if: VersionBuilds.haveAll, "\(VersionBuilds.skipReason)"))
struct ClientCertificateDetailLiveTests {
    static let refused = ["untrusted-ca", "expired", "revoked", "no-client-auth", "intermediate-leaf-only"]

    static func slice() -> [MatrixGroup] {
        MatrixDefinition.groups.compactMap { group in
            var group = group
            group.scenarios = group.scenarios.filter { s in
                s.id.hasPrefix("verify-full / hostssl trust /") && refused.contains { s.id.contains("/ cert \($0) /") }
            }
            return group.scenarios.isEmpty ? nil : group
        }
    }

    @Test("refused client certificates agree with the model on server 17, libpq 15")
    func refusedCertificates() async throws {
        let catalog = try InstallationCatalog.discover()
        let server = try catalog.server("17")
        let client = try await catalog.client("system").makeClient()
        let versions = Versions.with(server: server, client: client.libraries)
        #expect(versions.server == 17 && versions.libpq == 15)
        let groups = Self.slice().map { MatrixRealizer.realize($0, versions: versions) }
        let details = groups.flatMap(\.cases).filter {
            guard case .model(let e) = $0.expectation else { return false }
            return e.attempts.contains { $0.serverLog.contains { $0.text.contains("Failed certificate data") } }
        }
        // Not vacuous: every refused variant is predicted with the DETAIL.
        #expect(Set(details.compactMap { c in Self.refused.first { c.id.contains("/ cert \($0) /") } }).count == 5)
        var runner = ScenarioRunner(installation: server)
        runner.client = client
        let results = await runner.run(groups)
        await client.shutdown()
        #expect(results.count == groups.flatMap(\.cases).count)
        for result in results {
            #expect(result.verdict == .agree, "\(result.id)\n\(result.differences.joined(separator: "\n"))")
        }
    }
}

/// The client worker installs no key-password hook and runs without a terminal, so an
/// encrypted client key without `sslpassword` gets what libpq says to any program without a
/// terminal (OpenSSL's prompt fails: "processing error"), not the empty-passphrase answer a
/// hook would give ("bad decrypt"); the right and wrong passwords still behave as libpq's own
/// callback makes them. Checked on non-default clients (libpq 18 on OpenSSL 3.5, libpq 14).
@Suite(
    "Version combinations: encrypted keys through a client worker", .tags(.liveServer), .serialized,
    .enabled(if: VersionBuilds.haveAll && VersionBuilds.workerBuilt, "\(VersionBuilds.skipReason)"))
struct WorkerKeyPassphraseTests {
    static func keyCases() -> [MatrixGroup] {
        MatrixDefinition.groups.compactMap { group in
            var group = group
            group.scenarios = group.scenarios.filter { s in
                s.id.hasPrefix("verify-full / hostssl trust / root-signed / trust root / cert encrypted-key/")
            }
            return group.scenarios.isEmpty ? nil : group
        }
    }

    @Test(
        "no sslpassword: libpq's terminal-free answer, predicted per libpq and OpenSSL",
        arguments: [
            "psycopg-binary-libpq", "postgresql-14",
        ])
    func encryptedKeys(client name: String) async throws {
        let catalog = try InstallationCatalog.discover()
        let server = try catalog.server("15")
        let client = try await catalog.client(name).makeClient()
        let versions = Versions.with(server: server, client: client.libraries)
        let groups = Self.keyCases().map { MatrixRealizer.realize($0, versions: versions) }
        let ids = groups.flatMap { $0.cases.map(\.id) }
        #expect(ids.contains { $0.contains("encrypted-key/no-password") }, "\(ids)")
        var runner = ScenarioRunner(installation: server)
        runner.client = client
        let results = await runner.run(groups)
        await client.shutdown()
        #expect(results.count == ids.count)
        for result in results {
            #expect(result.verdict == .agree, "\(name): \(result.id)\n\(result.differences.joined(separator: "\n"))")
        }
        let noPassword = try #require(results.first { $0.id.contains("encrypted-key/no-password") })
        // Observed, not only agreed: the hook's empty passphrase would say "bad decrypt".
        let message = try #require(noPassword.observed?.message)
        #expect(message.hasSuffix(": " + MessageCatalogue.text(.osslProcessingError, versions)), "\(message)")
    }
}
