import ClusterKit
import Foundation
import Scenarios
import Testing

/// `expect: model` in scenario files: the translator from a file's own PKI, settings and
/// keywords into the model's inputs, the typed error for what the model does not cover,
/// and (live) the model against real servers on every shipped example.
@Suite("Scenario files: expect model")
struct ScenarioFileModelTests {
    static var directory: String { ScenarioFileExampleTests.examplesDirectory }

    static func load(_ name: String, expectModel: Bool = true) throws -> ScenarioFile {
        try ScenarioFile.load(path: directory + "/" + name, expectModel: expectModel)
    }

    static func scenario(_ file: ScenarioFile, _ caseName: String) throws -> Scenario {
        try #require(file.modelScenarios.first { $0.id == caseName }?.scenario)
    }

    @Test("every example translates into the model, case for case")
    func everyExampleTranslates() throws {
        for name in ScenarioFileExampleTests.exampleFiles + ScenarioFileExampleTests.suiteFiles {
            let file = try Self.load(name)
            #expect(file.modelScenarios.count == file.caseCount, "\(name)")
        }
    }

    @Test("the server chain is judged from the real files: root file, sent intermediate, CRLs")
    func serverChainFacts() throws {
        let file = try Self.load("postgres-ssl-suite/001_ssltests.yaml")
        func failure(_ name: String) throws -> ChainFailure? { try Self.scenario(file, name).facts?.serverChainFailure }
        #expect(try failure("connect with server CA cert, without root CA") != nil)
        #expect(try failure("connect with correct server CA cert file sslmode=verify-ca") == nil)
        #expect(try failure("cert root file that contains two certificates, order 2") == nil)
        #expect(try failure("CRL belonging to a different CA") == .crlMissing)
        #expect(try failure("does not connect with client-side CRL directory") == .revoked)
        #expect(try failure("sslcrl option with invalid file name") == nil)
    }

    @Test("the client certificate, names and keys come from the file's objects")
    func clientAndNameFacts() throws {
        let file = try Self.load("postgres-ssl-suite/001_ssltests.yaml")
        let revoked = try Self.scenario(file, "certificate authorization fails with revoked client cert")
        #expect(revoked.facts?.clientChainFailure == .revoked)
        let dn = try Self.scenario(file, "certificate authorization succeeds with DN mapping")
        #expect(dn.facts?.clientDistinguishedName == "CN=ssltestuser-dn,OU=Testing,OU=Engineering,O=PGDG")
        let missing = try Self.scenario(file, "intermediate client certificate is missing")
        #expect(missing.facts?.clientChainFailure != nil)
        let perms = try Self.scenario(file, "certificate authorization fails because of file permissions")
        #expect(perms.client.certificate == .keyWorldReadable)
        let empty = try Self.scenario(
            file, "certificate authorization fails with correct client cert and empty password in encrypted PEM format")
        #expect(empty.client.certificate == .encryptedKeyNoPassword)
        let ipv6 = try Self.scenario(file, "host matching an IPv6 address in mixed form (Subject Alternative Name 2)")
        let e = Expectation.predict(ipv6, versions: .standard)
        #expect(e.isAccepted)
        #expect(e.ruleIDs.contains("libpq15.verify-full.names"))
    }

    @Test("a prediction carries its rule trace, and the file's rules reach what the matrix does not")
    func ruleTrace() throws {
        let file = try Self.load("model-predicted.yaml", expectModel: false)
        let tls12 = try Self.scenario(
            file, "TLS 1.2 client certificate from an unknown CA is refused in the handshake")
        #expect(
            Expectation.predict(tls12, versions: .standard).ruleIDs.contains("tls12.client-cert-rejected-in-handshake"))
        let certMode = try Self.scenario(file, "sslcertmode=require without a certificate to send")
        #expect(
            Expectation.predict(certMode, versions: .same(16)).ruleIDs.contains("libpq.sslcertmode.require-not-sent"))
        #expect(Expectation.predict(certMode, versions: .standard).ruleIDs.contains("libpq.option.unknown-keyword"))
    }

    @Test("the example files reach the rules no matrix case does")
    func examplesReachUnmatrixedRules() throws {
        var fired: Set<String> = []
        for name in ScenarioFileExampleTests.exampleFiles + ScenarioFileExampleTests.suiteFiles {
            for (_, _, scenario) in try Self.load(name).modelScenarios {
                for versions in [Versions.same(15), .same(16)] {
                    fired.formUnion(Expectation.predict(scenario, versions: versions).ruleIDs)
                }
            }
        }
        for id in [
            "tls12.client-cert-rejected-in-handshake", "libpq.sslcertmode.require-not-sent",
            "server.start.key-permissions", "libpq.option.invalid-value",
        ] {
            #expect(fired.contains(id), "\(id)")
        }
    }

    static let base = """
        pki:
          certificates:
            - {name: root, ca: true}
            - {name: server, issuer: root, cn: db.example.test}
          files:
            - {name: server.crt, contains: server}
            - {name: server.key, key: server}
        server:
          settings: {ssl: on, ssl_cert_file: pki:server.crt, ssl_key_file: pki:server.key}
          roles: [app]
          hba: [HBA]
        cases:
          - name: one
            client: {user: app, sslmode: require}
            expect: model
        """

    @Test(
        "a key the model does not cover is one typed error naming case and key",
        arguments: [
            ("hostssl all all all ldap ldapserver=x", "server.hba[1]"),
            ("hostssl all all samehost trust", "server.hba[1]"),
            ("hostssl all +admins all trust", "server.hba[1]"),
        ])
    func outsideModel(_ hba: String, _ key: String) throws {
        let text = Self.base.replacingOccurrences(of: "HBA", with: "\"\(hba)\"")
        do {
            _ = try ScenarioFile.parse(text, file: "f.yaml")
            Issue.record("expected outside-model")
        } catch let error as ScenarioFileError {
            #expect(error.code == "outside-model")
            guard case .outsideModel(let f, _, let caseName, let k, _) = error else { return }
            #expect(f == "f.yaml" && caseName == "one" && k == key)
            #expect(error.description.contains("write an explicit expect"))
        }
    }

    @Test("a case without expect is refused, naming expect: model as one fix")
    func missingExpect() throws {
        let text = Self.base.replacingOccurrences(of: "HBA", with: "\"hostssl all all all trust\"")
            .replacingOccurrences(of: "\n    expect: model", with: "")
        do {
            _ = try ScenarioFile.parse(text, file: "f.yaml")
            Issue.record("expected missing-key")
        } catch let error as ScenarioFileError {
            #expect(error.code == "missing-key")
            #expect(error.description.contains("expect: model"))
        }
    }

    @Test("an unmodelled setting names its key; the same case with an explicit expect loads")
    func outsideModelSetting() throws {
        let text = Self.base.replacingOccurrences(of: "HBA", with: "\"hostssl all all all trust\"")
            .replacingOccurrences(
                of: "ssl_key_file: pki:server.key}", with: "ssl_key_file: pki:server.key, ssl_dh_params_file: x}")
        #expect(throws: ScenarioFileError.self) { _ = try ScenarioFile.parse(text, file: "f.yaml") }
        let explicit = text.replacingOccurrences(of: "expect: model", with: "expect: accepted")
        #expect(try ScenarioFile.parse(explicit, file: "f.yaml").caseCount == 1)
    }
}

/// The file's own checks beside the model's prediction can fail on their own.
@Suite("Scenario files: checks beside the model", .tags(.liveServer))
struct ScenarioFileModelChecksTests {
    @Test("server_log_absent and query fail a case the model gets right")
    func extrasCanFail() async throws {
        let text = ScenarioFileModelTests.base.replacingOccurrences(of: "HBA", with: "\"hostssl all all all trust\"")
            .replacingOccurrences(of: "roles: [app]", with: "roles: [app]\n  extensions: [sslinfo]")
            .replacingOccurrences(
                of: "    expect: model",
                with: [
                    "    expect: {outcome: model, server_log_absent: 'connection received'}",
                    "  - name: two", "    client: {user: app, sslmode: require}", "    expect: model",
                    "    query: {sql: \"SELECT ssl_is_used();\", result: f}",
                    "  - name: three", "    client: {user: app, sslmode: require}",
                    "    expect: {outcome: model, client_stderr: empty}",
                ].joined(separator: "\n"))
        let installation = try Installation.discover()
        let file = try ScenarioFile.parse(text, file: "extras.yaml")
        let results = Dictionary(
            uniqueKeysWithValues: await ScenarioRunner(installation: installation).run(file.groups).map { ($0.id, $0) })
        #expect(results["one"]?.verdict == .disagree)
        #expect(results["one"]?.differences.contains { $0.contains("expected no server log line matching") } == true)
        #expect(results["two"]?.verdict == .disagree)
        #expect(results["two"]?.differences.contains { $0.contains("SELECT ssl_is_used();") } == true)
        #expect(results["three"]?.verdict == .agree, "\(results["three"]?.differences ?? [])")
        #expect(results["three"]?.rules.isEmpty == false)
    }
}

/// The model against real servers on every shipped example, each case's own expect
/// replaced by `model` (the file's log, stderr and query checks kept).
@Suite("Scenario files: the model agrees on every example", .tags(.liveServer))
struct ScenarioFileModelAgreementTests {
    @Test(
        "the model agrees with the server on every case",
        arguments: ScenarioFileExampleTests.exampleFiles + ScenarioFileExampleTests.suiteFiles)
    func agrees(_ name: String) async throws {
        // From the run of every example together (`ExampleSession.model`): the runner predicts
        // each case for this server and this process's libpq.
        let file = try ScenarioFileModelTests.load(name)
        let results = try await ExampleSession.model.results(of: file)
        #expect(results.count == file.caseCount)
        ScenarioFileExampleTests.recordDisagreements(results, name)
    }
}
