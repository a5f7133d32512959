import Foundation
import Testing

@testable import Scenarios

/// Rules as values: every rule the model applies has a stable id, a source and (where it
/// makes one) its catalogue message, and a test can assert which rules fired.
@Suite("Model rules as values: ids, sources, which rule fired")
struct ModelRuleCatalogueTests {
    static let hostsslScram = ServerSide(hba: [HBAEntry(.hostssl, method: .scramSHA256)])

    static func ids(_ scenario: Scenario, _ versions: Versions = .same(15)) -> [String] {
        Expectation.predict(scenario, versions: versions).ruleIDs
    }

    @Test("the catalogue: unique dotted ids, each with a source naming a C file or the docs")
    func catalogue() {
        let ids = ModelRule.all.map(\.id)
        #expect(Set(ids).count == ids.count, "duplicate ids")
        for rule in ModelRule.all {
            #expect(rule.id.range(of: #"^[a-z0-9]+(\.[a-z0-9-]+)+$"#, options: .regularExpression) != nil, "\(rule.id)")
            #expect(rule.source.contains(".c") || rule.source.contains("docs"), "\(rule.id): \(rule.source)")
            #expect(!rule.summary.isEmpty)
        }
    }

    /// The whole matrix on 15, every 16th case on the other modelled majors (a full run of
    /// all five majors takes minutes in a debug build; it found two catalogue rules no
    /// matrix case reaches: libpq.sslcertmode.require-not-sent and
    /// tls12.client-cert-rejected-in-handshake, which examples/model-predicted.yaml reaches,
    /// see ScenarioFileModelTests).
    @Test("every rule the matrix applies is in the catalogue, with its placeholders filled")
    func everyAppliedRuleIsCatalogued() {
        let known = Dictionary(uniqueKeysWithValues: ModelRule.all.map { ($0.id, $0) })
        let scenarios = MatrixDefinition.scenarios
        var runs: [(Scenario, Versions)] = scenarios.map { ($0, .same(15)) }
        for major in [14, 16, 17, 18] {
            runs += stride(from: major, to: scenarios.count, by: 16).map { (scenarios[$0], .same(major)) }
        }
        var fired: Set<String> = []
        for (scenario, versions) in runs {
            for rule in Expectation.predict(scenario, versions: versions).appliedRules {
                #expect(known[rule.id] != nil, "\(rule.id) is applied but not in ModelRule.all")
                #expect(!rule.text.contains("{"), "\(rule.id): unfilled placeholder in \(rule.text)")
                fired.insert(rule.id)
            }
        }
        #expect(fired.count > ModelRule.all.count / 2, "only \(fired.count) rules fired")
    }

    @Test("sslmode=disable against hostssl: the disable rule, then no pg_hba line")
    func disableAgainstHostssl() {
        let s = Scenario(server: Self.hostsslScram, client: ClientSide(sslMode: .disable), user: "alice")
        let ids = Self.ids(s)
        #expect(ids.first == "libpq.sslmode.disable")
        #expect(ids.contains("server.hba.no-match"))
        #expect(!ids.contains("libpq.sslmode.prefer"))
    }

    @Test("verify-full, name mismatch: the chain verifies, then the version's name rule decides")
    func verifyFullNameRuleByVersion() {
        var server = Self.hostsslScram
        server.names = .mismatch
        let s = Scenario(server: server, client: ClientSide(sslMode: .verifyFull), user: "alice")
        let v15 = Self.ids(s, .same(15))
        #expect(v15.contains("libpq.sslmode.ssl-only"))
        #expect(v15.contains("libpq.tls.chain-verified"))
        #expect(v15.contains("libpq15.verify-full.names"))
        #expect(!v15.contains("server.hba.first-match"), "rejected before the server sees a startup packet")
        #expect(Self.ids(s, .same(14)).contains("libpq14.verify-full.names"))
    }

    @Test("require with a root file from an unrelated CA: verification happens anyway and fails")
    func requireVerifiesWithRootFile() {
        let s = Scenario(
            server: Self.hostsslScram, client: ClientSide(sslMode: .require, trust: .unrelatedCA), user: "alice")
        let ids = Self.ids(s)
        #expect(ids.contains("libpq.tls.root-cert-verifies"))
        #expect(ids.contains("libpq.tls.chain-failed"))
        #expect(!ids.contains("libpq.tls.chain-verified"))
    }

    @Test("SCRAM over TLS: channel binding is chosen and the password sets the identity")
    func scramPlus() {
        let s = Scenario(server: Self.hostsslScram, client: ClientSide(sslMode: .require), user: "alice")
        let e = Expectation.predict(s, versions: .same(15))
        #expect(e.isAccepted)
        #expect(e.ruleIDs.contains("libpq.scram.plus"))
        #expect(e.ruleIDs.contains("server.auth.password-identity"))
        #expect(e.ruleIDs.last == "server.auth.succeeds")
        let firstMatch = e.appliedRules.first { $0.id == "server.hba.first-match" }
        #expect(firstMatch?.text == "pg_hba.conf first match: 'hostssl all all all scram-sha-256'")
        #expect(firstMatch?.source == "hba.c check_hba")
    }

    @Test("a Unix socket: the no-SSL-over-sockets rule, whatever sslmode says")
    func unixSocket() {
        let server = ServerSide(hba: [HBAEntry(.local, method: .trust)])
        let s = Scenario(server: server, client: ClientSide(sslMode: .require, transport: .unixSocket), user: "alice")
        #expect(Self.ids(s).first == "libpq.sslmode.unix-socket")
    }

    @Test("a rule that makes a message names its catalogue key")
    func ruleMessages() {
        #expect(ModelRule.serverHbaNoMatch.message == .hbaNoEntry)
        #expect(ModelRule.libpqKeyGroupWorldAccess.message == .keyGroupWorldAccess)
        #expect(ModelRule.libpqOptionProtocolRange.message == .invalidProtocolRange)
    }
}
