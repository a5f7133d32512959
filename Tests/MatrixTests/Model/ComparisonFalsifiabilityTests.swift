import ClusterKit
import Testing

@testable import Scenarios

typealias ModelExpectation = Scenarios.Expectation

/// The model comparison can fail: two real cases (an accepted SCRAM-PLUS session and a
/// prefer client rejected on both attempts) are observed once on a real server; each test
/// feeds one of them a prediction wrong in exactly one field and asserts a disagreement that
/// names that field. If `compareModel` ignored a field, its test would fail.
@Suite("Model comparison: every field can disagree", .tags(.liveServer))
struct ComparisonFalsifiabilityTests {
    static let server = ServerSide(hba: [
        HBAEntry(.hostssl, user: "u_pw", method: .scramSHA256),
        HBAEntry(.host, user: "u_scram", method: .scramSHA256),
    ])
    /// TLS 1.3, SCRAM-SHA-256-PLUS, identity u_scram: one attempt.
    static let accepted = Scenario(server: server, client: ClientSide(sslMode: .require), user: "u_scram")
    /// prefer: TLS attempt fails with a wrong password (28P01, DETAIL in the log), the plain
    /// retry finds no pg_hba.conf line (28000).
    static let rejected = Scenario(server: server, client: ClientSide(sslMode: .prefer, password: .wrong), user: "u_pw")

    static let observations: Task<[String: ScenarioRunner.Observation], any Error> = Task {
        let installation = try Installation.discover()
        let group = MatrixGroup(id: "falsifiability", server: server, scenarios: [accepted, rejected])
        let runnable = MatrixRealizer.realize(group, versions: .inProcess(server: installation))
        let observed = try await ScenarioRunner(installation: installation).observe(runnable)
        return Dictionary(observed.map { ($0.spec.id, $0) }) { a, _ in a }
    }

    struct Mutation: Sendable, CustomTestStringConvertible {
        let field: OutcomeComparison.Field
        let name: String
        let scenario: Scenario
        /// Fields a mutation necessarily moves too (an unencrypted session is a plain attempt).
        var companions: Set<String> = []
        let apply: @Sendable (inout ModelExpectation) -> Void
        var testDescription: String { "\(field.rawValue): \(name)" }
    }

    static func mutateAttempts(_ e: inout ModelExpectation, _ change: (inout [ExpectedAttempt]) -> Void) {
        guard case .rejected(var attempts) = e.outcome else { return }
        change(&attempts)
        e.outcome = .rejected(attempts: attempts)
    }

    static let mutations: [Mutation] = [
        Mutation(field: .outcome, name: "rejected instead of accepted", scenario: accepted) {
            $0.outcome = .rejected(attempts: [ExpectedAttempt(ssl: true, libpqMessage: "no\n")])
        },
        Mutation(field: .encrypted, name: "unencrypted", scenario: accepted, companions: ["transport"]) {
            $0.outcome = .accepted(encrypted: false, user: "u_scram")
        },
        Mutation(field: .protocol, name: "TLSv1.2", scenario: accepted) { $0.session?.protocol = "TLSv1.2" },
        Mutation(field: .cipher, name: "ChaCha20", scenario: accepted) {
            $0.session?.cipher = "TLS_CHACHA20_POLY1305_SHA256"
        },
        Mutation(field: .channelBinding, name: "no SCRAM-PLUS", scenario: accepted) {
            $0.session?.channelBinding = false
        },
        Mutation(field: .user, name: "another session user", scenario: accepted) {
            $0.outcome = .accepted(encrypted: true, user: "someone_else")
        },
        Mutation(field: .method, name: "md5", scenario: accepted) { $0.session?.method = "md5" },
        Mutation(field: .identity, name: "another identity", scenario: accepted) {
            $0.session?.identity = "someone_else"
        },
        Mutation(field: .attempts, name: "a failed plain attempt first", scenario: accepted) {
            $0.failedAttemptsBeforeSuccess = [ExpectedAttempt(ssl: false, libpqMessage: "x\n")]
        },
        Mutation(field: .serverLog, name: "connection authorized not predicted", scenario: accepted) {
            $0.session?.serverLog.removeLast()
        },
        Mutation(field: .transport, name: "second attempt over TLS", scenario: rejected) {
            mutateAttempts(&$0) { $0[1].ssl = true }
        },
        Mutation(field: .sqlstate, name: "28000 for the password failure", scenario: rejected) {
            mutateAttempts(&$0) { $0[0].sqlstate = "28000" }
        },
        Mutation(field: .message, name: "reject instead of no entry", scenario: rejected) {
            mutateAttempts(&$0) {
                $0[1].libpqMessage = MessageTemplate(
                    $0[1].libpqMessage.text.replacingOccurrences(
                        of: "no pg_hba.conf entry", with: "pg_hba.conf rejects connection"))
            }
        },
        Mutation(field: .serverLog, name: "a line the server never wrote", scenario: rejected) {
            mutateAttempts(&$0) { $0[0].serverLog.append("LOG:  a line the server never wrote") }
        },
        Mutation(field: .serverLog, name: "the auth_failed DETAIL not predicted", scenario: rejected) {
            mutateAttempts(&$0) { $0[0].serverLog.removeAll { $0.text.hasPrefix("DETAIL:") } }
        },
    ]

    @Test("the unmutated predictions agree with the real cases", arguments: [accepted, rejected])
    func exactPredictionAgrees(_ scenario: Scenario) async throws {
        let observation = try #require(try await Self.observations.value[scenario.id])
        let diffs = OutcomeComparison.compareModel(
            ModelExpectation.predict(scenario), observation.outcome, observation.run)
        #expect(diffs == [])
    }

    @Test("a prediction wrong in one field disagrees, naming that field", arguments: mutations)
    func wrongFieldDisagrees(_ mutation: Mutation) async throws {
        let observation = try #require(try await Self.observations.value[mutation.scenario.id])
        var expectation = ModelExpectation.predict(mutation.scenario)
        mutation.apply(&expectation)
        #expect(expectation != ModelExpectation.predict(mutation.scenario), "the mutation changed nothing")
        let diffs = OutcomeComparison.compareModel(expectation, observation.outcome, observation.run)
        let fields = Set(diffs.map { String($0.prefix { $0 != ":" }) })
        #expect(fields.contains(mutation.field.rawValue), "\(diffs)")
        #expect(fields.subtracting(mutation.companions) == [mutation.field.rawValue], "\(diffs)")
    }

    /// Every compared field has a mutation here, except `result`: an attempt before the last
    /// always failed and the last one's result is the outcome, so a wrong result is always
    /// also a wrong outcome (tested above), never alone.
    @Test func everyFieldIsMutated() {
        let covered = Set(Self.mutations.map(\.field))
        #expect(Set(OutcomeComparison.Field.allCases).subtracting(covered) == [.result])
    }
}
