import ClusterKit
import Foundation
import Scenarios
import Testing

extension Scenario: CustomTestStringConvertible {
    public var testDescription: String { id }
}

/// The built-in matrix on real PostgreSQL clusters: every case must do exactly what the
/// model predicts from the documented rules: outcome, encryption, the exact libpq message
/// and the server log line where the server decides.
@Suite("Matrix: model vs real servers", .tags(.liveServer, .matrix))
struct MatrixTests {
    static let scenarios = MatrixDefinition.scenarios

    @Test("sslmode x pg_hba x chain x trust x client certificate x server TLS", arguments: scenarios)
    func matrixCase(_ scenario: Scenario) async throws {
        let session = MatrixSession.shared
        if let setupError = session.setupError { Issue.record("no PostgreSQL to test against: \(setupError)"); return }
        let result = try #require(await session.result(for: scenario), "the case was not run")
        switch result.verdict {
        case .agree:
            #expect(result.observed != nil)
        case .skipped:
            // Said, never silent: the reason names why this machine cannot realise the case.
            #expect(!result.differences.isEmpty)
        case .disagree, .error:
            Issue.record(
                Comment(
                    rawValue: """
                        \(result.verdict == .error ? "could not run" : "model and reality disagree"): \(scenario.id)
                        \(result.differences.joined(separator: "\n"))
                        expected: \(result.expected)
                        rules that predicted it:
                        \(result.rules.map { "  - " + $0 }.joined(separator: "\n"))
                        """))
        }
    }

    @Test("the built-in matrix is large and every group is realisable")
    func size() {
        #expect(Self.scenarios.count > 1_000)
        for group in MatrixSession.groups {
            let runnable = MatrixRealizer.realize(group, versions: .standard)
            #expect(runnable.cases.count == group.scenarios.count)
            #expect(!runnable.roles.isEmpty)
        }
    }
}

extension Tag {
    @Tag static var matrix: Self
}
