import Testing

@testable import Scenarios

/// Properties the model must have by construction, over the whole built-in matrix.
@Suite("Model rules")
struct ModelRuleTests {
    static let all = MatrixDefinition.scenarios

    /// `scenarios` filters nothing, so two generated cases with one id fail here.
    @Test func matrixIsLargeAndIdsUnique() {
        #expect(Self.all.count > 1000)
        #expect(MatrixDefinition.duplicateIds == [])
        #expect(Set(Self.all.map(\.id)).count == Self.all.count)
        #expect(MatrixDefinition.groups.count < Self.all.count / 20)
    }

    @Test(arguments: SSLMode.allCases)
    func everyPredictionExplainsItself(mode: SSLMode) {
        for s in Self.all where s.client.sslMode == mode {
            let e = Expectation.predict(s)
            #expect(!e.rules.isEmpty, "\(s.id)")
            if case .rejected(let attempts) = e.outcome { #expect(!attempts.isEmpty, "\(s.id)") }
        }
    }

    @Test func disableNeverEncrypts() {
        for s in Self.all where s.client.sslMode == .disable {
            if case .accepted(let enc, _) = Expectation.predict(s).outcome { #expect(!enc, "\(s.id)") }
            #expect(Expectation.predict(s).attempts.allSatisfy { !$0.ssl }, "\(s.id)")
        }
    }

    @Test func sslRequiringModesNeverAcceptPlainOverTCP() {
        for s in Self.all where s.client.sslMode.requiresSSL && s.client.transport == .tcp {
            if case .accepted(let enc, _) = Expectation.predict(s).outcome { #expect(enc, "\(s.id)") }
        }
    }

    @Test(arguments: [ServerNames.mismatch, .mismatchMultiple, .noNames])
    func verifyFullNeverAcceptsAMismatchedName(names: ServerNames) {
        let s = Scenario(
            server: ServerSide(names: names, hba: [HBAEntry(.hostssl, method: .trust)]),
            client: ClientSide(sslMode: .verifyFull), user: "u")
        let e = Expectation.predict(s)
        #expect(!e.isAccepted)
        let text = e.libpqErrorMessage?.text ?? ""
        switch names {
        case .mismatch:
            #expect(
                text
                    == "connection to server at \"127.0.0.1\", port {port} failed: server certificate for \"other.example.test\" does not match host name \"db.example.test\"\n"
            )
        case .mismatchMultiple:
            #expect(
                text.hasSuffix(
                    "server certificate for \"other.example.test\" (and 1 other name) does not match host name \"db.example.test\"\n"
                ))
        default:
            #expect(text.hasSuffix("could not get server's host name from server certificate\n"))
        }
    }

    @Test(arguments: [ServerNames.standard, .cnOnly, .sanDNS, .wildcardSAN, .sanIP, .cnIP])
    func verifyFullAcceptsMatchingNames(names: ServerNames) {
        let s = Scenario(
            server: ServerSide(names: names, hba: [HBAEntry(.hostssl, method: .trust)]),
            client: ClientSide(sslMode: .verifyFull), user: "u")
        #expect(Expectation.predict(s).outcome == .accepted(encrypted: true, user: "u"))
    }

    @Test func hostnosslOnlyWithRequireGivesNoEncryptionEntryMessage() {
        let s = Scenario(
            server: ServerSide(hba: [HBAEntry(.hostnossl, method: .trust)]),
            client: ClientSide(sslMode: .require), user: "u", database: "d")
        let e = Expectation.predict(s)
        #expect(
            e.libpqErrorMessage?.text
                == "connection to server at \"127.0.0.1\", port {port} failed: FATAL:  no pg_hba.conf entry for host \"127.0.0.1\", user \"u\", database \"d\", SSL encryption\n"
        )
        #expect(
            e.attempts.first?.serverLog == [
                "LOG:  connection received: host=127.0.0.1 port={client_port}",
                "FATAL:  no pg_hba.conf entry for host \"127.0.0.1\", user \"u\", database \"d\", SSL encryption",
            ])
    }

    @Test func preferFallsBackAfterHardenedRejectWithBothMessages() {
        let s = Scenario(
            server: ServerSide(hba: [.rejectNonSSL, HBAEntry(.hostnossl, user: "u", method: .trust)]),
            client: ClientSide(sslMode: .prefer), user: "u", database: "d")
        let e = Expectation.predict(s)
        #expect(e.attempts.map(\.ssl) == [true, false])
        #expect(
            e.libpqErrorMessage?.text
                == "connection to server at \"127.0.0.1\", port {port} failed: FATAL:  no pg_hba.conf entry for host \"127.0.0.1\", user \"u\", database \"d\", SSL encryption\n"
                + "connection to server at \"127.0.0.1\", port {port} failed: FATAL:  pg_hba.conf rejects connection for host \"127.0.0.1\", user \"u\", database \"d\", no encryption\n"
        )
    }

    @Test func allowRetriesWithSSLOnlyAfterServerError() {
        let hba = [HBAEntry(.hostssl, user: "u", method: .trust)]
        let ok = Expectation.predict(
            Scenario(server: ServerSide(hba: hba), client: ClientSide(sslMode: .allow), user: "u"))
        #expect(ok.outcome == .accepted(encrypted: true, user: "u"))
        #expect(ok.failedAttemptsBeforeSuccess.count == 1)
        let noPw = Expectation.predict(
            Scenario(
                server: ServerSide(hba: [HBAEntry(.host, user: "u", method: .scramSHA256)]),
                client: ClientSide(sslMode: .allow, password: .none), user: "u"))
        #expect(noPw.attempts.count == 1)
        #expect(noPw.libpqErrorMessage?.text.hasSuffix("fe_sendauth: no password supplied\n") == true)
    }

    @Test(arguments: [SSLMode.verifyCA, .verifyFull])
    func missingRootFileFailsVerifyModes(mode: SSLMode) {
        let s = Scenario(
            server: ServerSide(hba: [HBAEntry(.host, method: .trust)]),
            client: ClientSide(sslMode: mode, trust: .defaultAbsent), user: "u")
        #expect(
            Expectation.predict(s).libpqErrorMessage?.text
                == "connection to server at \"127.0.0.1\", port {port} failed: root certificate file \"{home}/.postgresql/root.crt\" does not exist\nEither provide the file or change sslmode to disable server certificate verification.\n"
        )
        #expect(
            Expectation.predict(s, versions: .same(16)).libpqErrorMessage?.text.contains("sslrootcert=system") == true)
    }

    @Test(arguments: [ClientTrust.intermediateOnly, .unrelatedCA])
    func requireWithExistingRootFileVerifies(trust: ClientTrust) {
        let s = Scenario(
            server: ServerSide(chain: .intermediateBundled, hba: [HBAEntry(.host, method: .trust)]),
            client: ClientSide(sslMode: .require, trust: trust), user: "u")
        #expect(
            Expectation.predict(s).libpqErrorMessage?.text.hasSuffix("SSL error: certificate verify failed\n") == true)
    }

    @Test func channelBindingRequireNeedsScramOverSSL() {
        func predict(_ m: HBAMethod, _ mode: SSLMode) -> Scenarios.Expectation {
            Expectation.predict(
                Scenario(
                    server: ServerSide(hba: [HBAEntry(.host, user: "u", method: m)]),
                    client: ClientSide(sslMode: mode, channelBinding: .require), user: "u"))
        }
        #expect(predict(.scramSHA256, .require).outcome == .accepted(encrypted: true, user: "u"))
        #expect(
            predict(.scramSHA256, .disable).libpqErrorMessage?.text.hasSuffix(
                "channel binding required, but SSL not in use\n") == true)
        #expect(
            predict(.trust, .require).libpqErrorMessage?.text.hasSuffix(
                "channel binding required, but server authenticated client without channel binding\n") == true)
        #expect(
            predict(.password, .require).libpqErrorMessage?.text.hasSuffix(
                "channel binding required but not supported by server's authentication request\n") == true)
    }

    @Test func clientCertRejectedUnderTLS13DoesNotFallBack() {
        let s = Scenario(
            server: ServerSide(hba: [HBAEntry(.host, user: "u", method: .trust)]),
            client: ClientSide(sslMode: .prefer, certificate: .untrustedCA), user: "u")
        let e = Expectation.predict(s)
        #expect(e.attempts.count == 1)
        #expect(e.libpqErrorMessage?.text.hasSuffix("SSL error: tlsv1 alert unknown ca\n") == true)
        #expect(
            e.attempts.first?.serverLog == [
                "LOG:  connection received: host=127.0.0.1 port={client_port}",
                "LOG:  could not accept SSL connection: certificate verify failed",
            ])
        #expect(e.attempts.first?.sqlstate == nil)
    }

    @Test func invalidHBAStopsTheServer() {
        let s = Scenario(
            server: ServerSide(hba: [HBAEntry(.host, user: "u", method: .cert)]), client: ClientSide(sslMode: .require),
            user: "u")
        guard case .serverFailsToStart(let log) = Expectation.predict(s).outcome else {
            Issue.record("expected a start failure"); return
        }
        // The scenario's first rule sits after the harness's own line (HBAFile.firstRuleLine == 2).
        #expect(
            log.map(\.text) == [
                "LOG:  cert authentication is only supported on hostssl connections",
                "CONTEXT:  line 2 of configuration file \"{hba_file}\"", "FATAL:  could not load pg_hba.conf",
            ])
    }
}

/// PKI realism: every CA has its own key, so a forged chain fails on its signature and a
/// leaf without the right extendedKeyUsage fails on its purpose, each with OpenSSL's own words.
@Suite("Model: forged chains and key usage")
struct ModelPKIRealismTests {
    static func lastAttempt(_ chain: ServerChain, certificate: ClientCertificate = .none) -> ExpectedAttempt? {
        let s = Scenario(
            server: ServerSide(chain: chain, tls: ServerTLS(caFile: .root), hba: [HBAEntry(.hostssl, method: .trust)]),
            client: ClientSide(sslMode: .verifyFull, certificate: certificate), user: "u")
        return Expectation.predict(s).attempts.last
    }

    @Test func forgedRootFailsTheSignatureCheck() {
        let a = Self.lastAttempt(.forgedRoot)
        #expect(a?.libpqMessage.text.hasSuffix("SSL error: EVP lib\n") == true)
        #expect(a?.serverLog.last?.text == "LOG:  could not accept SSL connection: tlsv1 alert decrypt error")
    }

    @Test func serverLeafWithoutServerAuthHasTheWrongPurpose() {
        let a = Self.lastAttempt(.noServerAuth)
        #expect(a?.libpqMessage.text.hasSuffix("SSL error: certificate verify failed\n") == true)
        #expect(a?.serverLog.last?.text == "LOG:  could not accept SSL connection: sslv3 alert unsupported certificate")
    }

    @Test func clientLeafWithoutClientAuthHasTheWrongPurpose() {
        let a = Self.lastAttempt(.rootSigned, certificate: .noClientAuth)
        #expect(a?.libpqMessage.text.hasSuffix("SSL error: sslv3 alert unsupported certificate\n") == true)
        #expect(a?.serverLog.last?.text == "LOG:  could not accept SSL connection: certificate verify failed")
    }
}

@Suite("Model matrix size")
struct ModelMatrixSizeTests {
    @Test func reportSize() {
        let groups = MatrixDefinition.groups
        print("MATRIX cases=\(MatrixDefinition.scenarios.count) groups=\(groups.count)")
        #expect(groups.allSatisfy { g in g.scenarios.allSatisfy { $0.server == g.server } })
    }

    /// Every invalid pg_hba.conf line is its own case on its own server (they once shared
    /// one id, so four of them never ran).
    @Test func everyInvalidHBALineRunsOnItsOwnServer() {
        let failing = MatrixDefinition.scenarios.filter {
            if case .serverFailsToStart = Expectation.predict($0).outcome { return $0.user == "u_bad" }
            return false
        }
        #expect(failing.count == 6)
        #expect(Set(failing.map(\.server)).count == 6)
        #expect(Set(failing.map(\.id)).count == 6)
    }
}
