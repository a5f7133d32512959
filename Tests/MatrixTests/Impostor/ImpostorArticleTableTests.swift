import ClusterKit
import Foundation
import Scenarios
import Testing

/// The article's table, row by row, on a real cluster with the real psql. The expected texts
/// are built from the message catalogue and the SSLMode properties, not copied from output.
@Suite("Impostor: the article's sslmode table", .tags(.liveServer), .timeLimit(.minutes(10)))
struct ImpostorArticleTableTests {
    @Test("every sslmode behaves as the article shows, in PostgreSQL 15's words")
    func articleTable() async throws {
        let installation = try Installation.discover()
        let experiment = ArticleExperiment()
        let rows = try await withImpostorScratch { pki, scratch in
            try await experiment.run(installation: installation, pki: pki, scratch: scratch)
        }
        #expect(rows.map(\.sslMode) == SSLMode.allCases)
        let versions = Versions.inProcess(server: installation)
        for row in rows {
            #expect(row.agrees, "\(row.sslMode): \(row.disagreements)")
            let stderr = row.observed.standardError
            switch row.sslMode {
            case .disable:
                // The first matching line is the explicit `hostnossl ... reject`.
                let hba = MessageCatalogue.template(.hbaRejects, versions).rendered([
                    "addr": "127.0.0.1", "user": experiment.user, "db": experiment.database,
                    "enc": MessageCatalogue.text(.encryptionNone, versions),
                ])
                #expect(row.observed.exitCode == 2)
                #expect(stderr.hasSuffix("FATAL:  " + hba + "\n"), "\(stderr)")
                #expect(stderr.contains("no encryption"))
            case .allow, .prefer, .require:
                #expect(!row.sslMode.verifiesServer)
                #expect(row.observed.exitCode == 0)
                #expect(row.observed.sslRow?["ssl"] == "t", "\(row.observed.standardOutput)")
                #expect(row.observed.sslRow?["version"]?.hasPrefix("TLS") == true)
            case .verifyCA, .verifyFull:
                #expect(row.sslMode.verifiesServer)
                let home = try #require(row.observed.environment["HOME"])
                let missing = MessageCatalogue.template(.rootCertMissing, versions)
                    .rendered(["rootcert": home + "/.postgresql/root.crt"])
                #expect(row.observed.exitCode == 2)
                #expect(stderr.hasSuffix(missing), "\(stderr)")
            }
        }
    }

    @Test("the article's wording (PostgreSQL 13 and older) differs where the catalogue says: prefix and 'SSL off'")
    func wordingThen() {
        let experiment = ArticleExperiment()
        let then = Expectation.predict(experiment.scenario(.disable), versions: .same(13)).libpqErrorMessage?.text ?? ""
        let now = Expectation.predict(experiment.scenario(.disable), versions: .standard).libpqErrorMessage?.text ?? ""
        #expect(then.hasSuffix(MessageCatalogue.text(.encryptionNone, at: 13) + "\n"))
        #expect(then.hasSuffix("SSL off\n"))
        #expect(!then.hasPrefix("connection to server"))
        #expect(now.hasPrefix("connection to server at \"127.0.0.1\""))
    }
}
