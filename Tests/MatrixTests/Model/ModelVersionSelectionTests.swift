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
        #expect(
            (MessageCatalogue.opensslEntries + MessageCatalogue.x509VerifyEntries).allSatisfy { $0.side == .openssl })
        for key in MessageKey.allCases { #expect(!MessageCatalogue.history(key).isEmpty, "\(key)") }
        // OpenSSL entries are keyed by OpenSSL releases, PostgreSQL ones by majors.
        #expect(
            (MessageCatalogue.opensslEntries + MessageCatalogue.x509VerifyEntries).allSatisfy { $0.since.major == 3 })
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

/// Behaviour that differs between releases, each rule keyed by the side that has it.
@Suite("Model: per-version rules")
struct ModelVersionRuleTests {
    @Test(
        "server 16+ names the pg_hba.conf file it could not load; 14-15 say 'pg_hba.conf'", arguments: [14, 15, 16, 18])
    func hbaLoadFailureNamesTheFile(server: Int) throws {
        let s = Scenario(
            server: ServerSide(hba: [HBAEntry(.host, method: .cert)]), client: ClientSide(sslMode: .require), user: "u")
        // The client's libpq is 15 throughout: only the server's major may change this line.
        let e = Expectation.predict(s, versions: Versions(server: server, libpq: 15))
        guard case .serverFailsToStart(let log) = e.outcome else {
            Issue.record("expected a start failure, got \(e)")
            return
        }
        let fatal = try #require(log.last?.text)
        #expect(fatal == (server >= 16 ? "FATAL:  could not load {hba_file}" : "FATAL:  could not load pg_hba.conf"))
    }

    @Test(
        "server 17+ logs 'connection authenticated' for trust, which sets no identity; 14-16 do not",
        arguments: [14, 16, 17, 18])
    func trustIsLoggedFrom17(server: Int) throws {
        let s = Scenario(
            server: ServerSide(hba: [HBAEntry(.hostssl, method: .trust)]), client: ClientSide(sslMode: .require),
            user: "u")
        let e = Expectation.predict(s, versions: Versions(server: server, libpq: 15))
        let log = try #require(e.session?.serverLog.map(\.text), "\(e)")
        // The pg_hba line number is the model's (the harness writes its own lines first).
        let line = log.first { $0.hasPrefix("LOG:  connection authenticated: user=\"u\" method=trust ({hba_file}:") }
        #expect((line != nil) == (server >= 17), "\(log)")
        // It comes after the method and before the session is authorized (auth.c, then postinit.c).
        if server >= 17, let line {
            let authorized = try #require(log.firstIndex { $0.contains("connection authorized") })
            #expect(try #require(log.firstIndex(of: line)) < authorized)
        }
    }

    @Test(
        "a client that closes during the handshake: 'EOF detected' up to 17, OpenSSL's 'unexpected eof while reading' from 18",
        arguments: [15, 17, 18])
    func handshakeEOFWording(server: Int) throws {
        let text = MessageCatalogue.template(.acceptSSLEOF, Versions(server: server, libpq: 15), printedBy: .server)
            .text
        #expect(
            text
                == (server >= 18
                    ? "could not accept SSL connection: unexpected eof while reading"
                    : "could not accept SSL connection: EOF detected"))
    }

    /// verify-full to host 127.0.0.1, certificate with CN db.example.test and only an iPAddress SAN.
    static let ipSAN = Scenario(
        server: ServerSide(names: .sanIP, hba: [HBAEntry(.hostssl, method: .trust)]),
        client: ClientSide(sslMode: .verifyFull), user: "u")

    @Test("libpq 14 ignores iPAddress SANs; 15+ match them (whatever the server)", arguments: [14, 15, 16, 18])
    func ipSANByLibpq(libpq: Int) {
        for server in [14, 18] {
            let e = Expectation.predict(Self.ipSAN, versions: Versions(server: server, libpq: libpq))
            if libpq >= 15 {
                #expect(e.isAccepted, "libpq \(libpq), server \(server): \(e)")
            } else {
                #expect(
                    e.libpqErrorMessage?.text.hasSuffix(
                        MessageCatalogue.template(.nameMismatchOne, Versions(server: server, libpq: libpq))
                            .rendered(["first_name": "db.example.test", "host": "127.0.0.1"])) == true, "\(e)")
            }
        }
    }

    /// allow against ssl=off with a hostssl-only pg_hba: the first (plain) attempt is refused by the server.
    static let allowSSLOff = Scenario(
        server: ServerSide(tls: ServerTLS(ssl: false), hba: [HBAEntry(.hostssl, method: .trust)]),
        client: ClientSide(sslMode: .allow), user: "u")

    @Test("allow against ssl=off: libpq 17+ stops at 'SSL was required'; 14-16 authenticate twice", arguments: 14...18)
    func allowRetryByLibpq(libpq: Int) throws {
        let e = Expectation.predict(Self.allowSSLOff, versions: Versions(server: 15, libpq: libpq))
        let attempts = e.attempts
        #expect(attempts.count == 2)
        let second = try #require(attempts.last)
        let required = MessageCatalogue.text(.sslRequiredButRefused, at: ReleaseVersion(libpq))
        if libpq >= 17 {
            #expect(second.libpqMessage.text.hasSuffix(required))
            #expect(
                !second.serverLog.contains { $0.text.hasPrefix("FATAL") }, "the retry never reaches authentication")
        } else {
            #expect(!second.libpqMessage.text.hasSuffix(required))
            #expect(
                second.serverLog.contains { $0.text.hasPrefix("FATAL") },
                "the retry is authenticated (and refused) again")
        }
    }

    @Test("libpq 14's startup-packet race is one named alternative, only for libpq 14")
    func libpq14ResetAlternative() throws {
        let s = Scenario(
            server: ServerSide(hba: [HBAEntry(.hostssl, method: .trust, clientCert: .verifyCA)]),
            client: ClientSide(sslMode: .verifyFull, certificate: .untrustedCA), user: "u")
        let base = "connection to server at \"127.0.0.1\", port 5432 failed: SSL error: tlsv1 alert unknown ca\n"
        let reset = "could not send startup packet: Connection reset by peer\n"
        let old = try #require(Expectation.predict(s, versions: .same(14)).libpqErrorMessage)
        #expect(old.filling(["port": "5432"]).matches(base))
        #expect(old.filling(["port": "5432"]).matches(base + reset))
        #expect(!old.filling(["port": "5432"]).matches(base + "could not send startup packet: Broken pipe\n"))
        for libpq in 15...18 {
            let new = try #require(
                Expectation.predict(s, versions: Versions(server: 14, libpq: libpq)).libpqErrorMessage)
            #expect(new.filling(["port": "5432"]).matches(base))
            #expect(!new.filling(["port": "5432"]).matches(base + reset), "libpq \(libpq)")
        }
    }
}
