import Testing

@testable import Scenarios

/// Keywords of newer libpq releases: predicted only for a client that has them; an older
/// client gets libpq's own "invalid connection option" for the first one it does not know.
@Suite("Model: newer client keywords")
struct ModelClientOptionTests {
    static func scenario(
        _ newer: NewerClientSettings, mode: SSLMode = .verifyFull, method: HBAMethod = .trust,
        caFile: ServerCAFile = .root, certificate: ClientCertificate = .none
    ) -> Scenario {
        var client = ClientSide(sslMode: mode, certificate: certificate)
        client.newer = newer
        return Scenario(
            server: ServerSide(tls: ServerTLS(caFile: caFile), hba: [HBAEntry(.hostssl, method: method)]),
            client: client, user: "u")
    }

    static func message(_ s: Scenario, libpq: Int, server: Int = 15) -> String {
        Expectation.predict(s, versions: Versions(server: server, libpq: libpq)).libpqErrorMessage?.text ?? "accepted"
    }

    @Test(
        "a keyword the client does not know is refused by name, before connecting",
        arguments: [
            (NewerClientSettings(certMode: .allow), "sslcertmode", 16),
            (NewerClientSettings(requireAuth: "scram-sha-256"), "require_auth", 16),
            (NewerClientSettings(negotiation: .postgres), "sslnegotiation", 17),
        ])
    func unknownKeyword(newer: NewerClientSettings, keyword: String, since: Int) {
        for libpq in 14...18 {
            let text = Self.message(Self.scenario(newer), libpq: libpq)
            let refused = MessageCatalogue.template(.invalidConnectionOption, .same(libpq)).rendered([
                "option": keyword
            ])
            #expect((text == refused) == (libpq < since), "libpq \(libpq): \(text)")
        }
    }

    @Test("the first unknown keyword in the order the probe passes them is the one named")
    func firstUnknownNamed() {
        let s = Self.scenario(NewerClientSettings(certMode: .allow, negotiation: .direct), mode: .require)
        #expect(Self.message(s, libpq: 15).contains("\"sslcertmode\""))
        #expect(Self.message(s, libpq: 16).contains("\"sslnegotiation\""))
    }

    @Test("sslrootcert=system: a file named 'system' before 16; the system's roots, verify-full only, from 16")
    func systemRoots() {
        let require = Self.scenario(NewerClientSettings(systemRoots: true), mode: .require)
        #expect(Self.message(require, libpq: 15) == "accepted", "no such file: require does not verify")
        #expect(Self.message(require, libpq: 16).hasPrefix("weak sslmode \"require\""))
        let full = Self.scenario(NewerClientSettings(systemRoots: true))
        #expect(Self.message(full, libpq: 15).contains("root certificate file \"{rootcert}\" does not exist"))
        for libpq in 16...18 {
            #expect(Self.message(full, libpq: libpq).hasSuffix("SSL error: certificate verify failed\n"))
        }
    }

    @Test("sslcertmode=require against a server that asks for no certificate: refused by libpq 16+")
    func certModeRequire() {
        let s = Self.scenario(NewerClientSettings(certMode: .require), caFile: .none, certificate: .validCNUser)
        #expect(
            Self.message(s, libpq: 16).hasSuffix(
                MessageCatalogue.text(.certificateNotRequested, at: 16)))
        let asked = Self.scenario(NewerClientSettings(certMode: .require), certificate: .validCNUser)
        #expect(Self.message(asked, libpq: 18) == "accepted")
    }

    @Test("sslcertmode=disable: no certificate is sent, so cert authentication fails on the server")
    func certModeDisable() {
        let s = Self.scenario(NewerClientSettings(certMode: .disable), method: .cert, certificate: .validCNUser)
        let required = MessageCatalogue.text(.clientCertRequired, at: 16)
        #expect(Self.message(s, libpq: 16).contains(required))
        #expect(Self.message(s, libpq: 16, server: 14).contains(required), "whatever the server's major")
    }

    @Test("require_auth=scram-sha-256 refuses a trust login (16+) and accepts SCRAM")
    func requireAuth() {
        let trust = Self.scenario(NewerClientSettings(requireAuth: "scram-sha-256"), mode: .require)
        #expect(Self.message(trust, libpq: 17).contains("authentication method requirement \"scram-sha-256\" failed"))
        let scram = Self.scenario(
            NewerClientSettings(requireAuth: "scram-sha-256"), mode: .require, method: .scramSHA256)
        #expect(Self.message(scram, libpq: 17) == "accepted")
    }

    @Test("sslnegotiation=direct needs an SSL-only sslmode (17+)")
    func directNeedsRequire() {
        let s = Self.scenario(NewerClientSettings(negotiation: .direct), mode: .prefer)
        #expect(
            Self.message(s, libpq: 17).hasPrefix("weak sslmode \"prefer\" may not be used with sslnegotiation=direct"))
        #expect(Self.message(s, libpq: 16).hasPrefix("invalid connection option \"sslnegotiation\""))
    }
}
