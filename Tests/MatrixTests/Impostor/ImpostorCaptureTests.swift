import ClusterKit
import Foundation
import Scenarios
import Testing

/// The libssl impostor against real libpq: what each client configuration hands over.
@Suite("Impostor: what a fake server at the database's address captures", .tags(.liveServer), .timeLimit(.minutes(10)))
struct ImpostorCaptureTests {
    let experiment = ImpostorExperiment()
    var versions: Versions { (try? Installation.discover()).map { Versions.inProcess(server: $0) } ?? .standard }

    func run(_ c: ImpostorCase) async throws -> ImpostorRow {
        let versions = self.versions
        return try await withImpostorScratch { pki, scratch in
            try await experiment.run(c, pki: pki, scratch: scratch, versions: versions)
        }
    }

    @Test(
        "require without a root certificate (the article's client) hands the password to either impostor",
        arguments: ImpostorVariant.allCases)
    func requireLeaks(_ variant: ImpostorVariant) async throws {
        let row = try await run(ImpostorCase(.require, rootCert: false, variant: variant))
        #expect(row.agrees, "\(row.disagreements)")
        #expect(row.capturedPasswords == [experiment.password])
        let capture = try #require(row.captures.first)
        #expect(capture.encrypted, "require still encrypts: to the impostor")
        #expect(capture.user == experiment.user)
        #expect(capture.database == experiment.database)
        #expect(row.libpqMessage.hasSuffix("FATAL:  \(ImpostorServer.defaultErrorMessage)\n"))
    }

    @Test("verify-full stops both impostors: no password", arguments: ImpostorVariant.allCases)
    func verifyFullStops(_ variant: ImpostorVariant) async throws {
        let row = try await run(ImpostorCase(.verifyFull, variant: variant))
        #expect(row.agrees, "\(row.disagreements)")
        #expect(row.capturedPasswords.isEmpty)
        #expect(!row.talkedToImpostor)
    }

    @Test("verify-ca stops impostor A (untrusted CA) but not B (trusted CA, other host)")
    func verifyCA() async throws {
        let a = try await run(ImpostorCase(.verifyCA, variant: .untrustedCA))
        #expect(a.agrees, "\(a.disagreements)")
        #expect(a.capturedPasswords.isEmpty)
        #expect(a.captures.map(\.stage) == [.tlsRefused])
        #expect(
            a.libpqMessage.hasSuffix(
                MessageCatalogue.template(.sslError, versions)
                    .rendered(["detail": MessageCatalogue.text(.osslCertificateVerifyFailed, versions)])))

        let b = try await run(ImpostorCase(.verifyCA, variant: .wrongHost))
        #expect(b.agrees, "\(b.disagreements)")
        #expect(b.capturedPasswords == [experiment.password])
    }

    @Test(
        "channel_binding=require refuses to send the password, whichever request the impostor makes",
        arguments: [
            (ImpostorServer.AuthenticationRequest.cleartextPassword, MessageKey.channelBindingAuthRequestUnsupported),
            (.scramWithoutChannelBinding, .channelBindingNoPlusOffered),
        ])
    func channelBinding(_ request: ImpostorServer.AuthenticationRequest, _ key: MessageKey) async throws {
        let row = try await run(
            ImpostorCase(.require, rootCert: false, channelBinding: .require, variant: .untrustedCA, request: request))
        #expect(row.agrees, "\(row.disagreements)")
        #expect(row.capturedPasswords.isEmpty)
        #expect(!row.answeredImpostor)
        #expect(row.captures.map(\.stage) == [.refusedAuthentication])
        #expect(row.libpqMessage.hasSuffix(MessageCatalogue.text(key, versions)))
    }

    @Test("a SCRAM request yields only the client-first-message, never the password")
    func scramWithoutBinding() async throws {
        let row = try await run(
            ImpostorCase(.require, rootCert: false, variant: .untrustedCA, request: .scramWithoutChannelBinding))
        #expect(row.agrees, "\(row.disagreements)")
        let capture = try #require(row.captures.first)
        #expect(capture.saslMechanism == "SCRAM-SHA-256")
        #expect(capture.password == nil)
        #expect(capture.saslFirstMessage?.contains(experiment.password) == false)
    }

    @Test(
        "a real cluster with the wrong-host certificate from the trusted CA is accepted by verify-ca, refused by verify-full"
    )
    func realClusterImpostor() async throws {
        let installation = try Installation.discover()
        let rows = try await withImpostorScratch { pki, scratch in
            try await experiment.runRealCluster(installation: installation, pki: pki, scratch: scratch)
        }
        let ca = try #require(rows.first { $0.sslMode == .verifyCA })
        let full = try #require(rows.first { $0.sslMode == .verifyFull })
        #expect(ca.agrees && full.agrees, "\(ca.disagreements) \(full.disagreements)")
        #expect(ca.connected)
        #expect(ca.ssl == "t")
        #expect(!full.connected)
        let mismatch = MessageCatalogue.template(.nameMismatchOne, .inProcess(server: installation))
            .rendered(["first_name": ServerNames.mismatch.commonName ?? "", "host": ImpostorPKI.databaseHost])
        #expect(full.libpqMessage?.hasSuffix(mismatch) == true, "\(full.libpqMessage ?? "")")
    }
}
