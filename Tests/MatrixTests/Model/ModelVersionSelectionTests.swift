import Testing

@testable import Scenarios

/// Every message is chosen by the version of the side that prints it: libpq text by the
/// libpq major, server text by the server major, OpenSSL strings by the printing side's OpenSSL.
@Suite("Model: versions per side")
struct ModelVersionSelectionTests {
    /// verify-full with no root certificate file: a libpq-only message (initialize_SSL).
    static let missingRoot = Scenario(
        server: ServerSide(hba: [HBAEntry(.host, method: .trust)]),
        client: ClientSide(sslMode: .verifyFull, trust: .defaultAbsent), user: "u")

    @Test("a libpq 15 client against a 16+ server gets libpq 15's wording", arguments: [16, 17, 18])
    func libpq15AgainstNewerServer(server: Int) throws {
        let mixed = try #require(
            Expectation.predict(Self.missingRoot, versions: Versions(server: server, libpq: 15)).libpqErrorMessage)
        let own15 = try #require(Expectation.predict(Self.missingRoot, versions: .same(15)).libpqErrorMessage)
        #expect(mixed == own15)
        #expect(!mixed.text.contains("sslrootcert=system"))
        let hint15 = MessageCatalogue.text(.rootCertMissing, at: 15).split(separator: "\n").last ?? ""
        #expect(mixed.text.hasSuffix(hint15 + "\n"))
    }

    @Test("a libpq 16+ client against a 15 server gets its own wording", arguments: [16, 17, 18])
    func newerLibpqAgainst15(libpq: Int) throws {
        let message = try #require(
            Expectation.predict(Self.missingRoot, versions: Versions(server: 15, libpq: libpq)).libpqErrorMessage)
        #expect(message.text.contains("sslrootcert=system"))
    }

    @Test("server text follows the server, the libpq prefix follows libpq")
    func serverAndClientPartsOfOneMessage() throws {
        // A rejected plain connection: libpq's prefix + the server's FATAL ("SSL off" before 14).
        let s = Scenario(
            server: ServerSide(hba: [HBAEntry(.host, method: .reject)]), client: ClientSide(sslMode: .disable),
            user: "u")
        let oldServer = try #require(
            Expectation.predict(s, versions: Versions(server: 13, libpq: 15)).libpqErrorMessage?.text)
        #expect(oldServer.hasPrefix("connection to server at"))
        #expect(oldServer.hasSuffix(MessageCatalogue.text(.encryptionNone, at: 13) + "\n"))
        let oldClient = try #require(
            Expectation.predict(s, versions: Versions(server: 15, libpq: 13)).libpqErrorMessage?.text)
        #expect(!oldClient.hasPrefix("connection to server at"))
        #expect(oldClient.hasSuffix(MessageCatalogue.text(.encryptionNone, at: 15) + "\n"))
    }

    @Test("every entry is filed with its side, and every key has exactly one side")
    func entriesAreFiledBySide() {
        #expect(MessageCatalogue.libpqEntries.allSatisfy { $0.side == .libpq })
        #expect(MessageCatalogue.serverEntries.allSatisfy { $0.side == .server })
        #expect(MessageCatalogue.opensslEntries.allSatisfy { $0.side == .openssl })
        for key in MessageKey.allCases { #expect(!MessageCatalogue.history(key).isEmpty, "\(key)") }
        // OpenSSL entries are keyed by OpenSSL releases, PostgreSQL ones by majors.
        #expect(MessageCatalogue.opensslEntries.allSatisfy { $0.since.major == 3 })
        #expect((MessageCatalogue.libpqEntries + MessageCatalogue.serverEntries).allSatisfy { $0.since.major >= 12 })
    }

    @Test("an OpenSSL string is chosen by the OpenSSL of the side that prints it")
    func openSSLByPrintingSide() {
        let v = Versions(
            server: 15, libpq: 18, serverOpenSSL: ReleaseVersion(3, 0), clientOpenSSL: ReleaseVersion(3, 5))
        #expect(v.release(of: .openssl, printedBy: .client) == ReleaseVersion(3, 5))
        #expect(v.release(of: .openssl, printedBy: .server) == ReleaseVersion(3, 0))
        #expect(v.release(of: .libpq) == 18)
        #expect(v.release(of: .server) == 15)
        #expect(Versions(server: 15, libpq: 15).release(of: .openssl) == Versions.assumedOpenSSL)
    }

    @Test("versions are read from the libraries' own texts")
    func parsing() {
        #expect(ReleaseVersion(openSSLText: "OpenSSL 3.0.19 27 Jan 2026") == ReleaseVersion(3, 0))
        #expect(ReleaseVersion(openSSLText: "OpenSSL 3.5.1 1 Jul 2025") == ReleaseVersion(3, 5))
        #expect(ReleaseVersion(openSSLText: "LibreSSL") == nil)
        #expect(ReleaseVersion(versionNumber: 150018) == 15)
        #expect(ReleaseVersion(versionNumber: 180001) == 18)
    }

    @Test("12 and 13 are not claimed: only majors checked here are")
    func claimedMajors() {
        #expect(MessageCatalogue.supportedMajors == 14...18)
        #expect(!Versions(server: 13, libpq: 15).modelKnows)
        #expect(!Versions(server: 15, libpq: 13).modelKnows)
        #expect(Versions(server: 18, libpq: 15).modelKnows)
    }
}
