import ClusterKit
import Foundation
import Scenarios
import Testing

/// The built-in matrix on real PostgreSQL clusters: every case must do exactly what the
/// model predicts from the documented rules: outcome, encryption, the exact libpq message
/// and the server log line where the server decides.
@Suite("Matrix: model vs real servers", .tags(.liveServer, .matrix))
struct MatrixTests {
    static let scenarios = MatrixDefinition.scenarios
    /// The arguments are the cases' ids, not the `Scenario` values: Swift Testing encodes every
    /// argument to identify its test case, and encoding 11,294 whole scenarios cost ~45 CPU-s
    /// of a ~3-minute `make test` (the same run through `sslmatrix matrix` took 120 CPU-s, the
    /// test 165). The id names the case in every report, as the scenario's description did.
    static let ids = scenarios.map(\.id)

    @Test("sslmode x pg_hba x chain x trust x client certificate x server TLS", arguments: ids)
    func matrixCase(_ id: String) async throws {
        let session = MatrixSession.shared
        if let setupError = session.setupError { Issue.record("no PostgreSQL to test against: \(setupError)"); return }
        let result = try #require(await session.result(forID: id), "the case was not run")
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
                        \(result.verdict == .error ? "could not run" : "model and reality disagree"): \(id)
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
        let realized =
            MatrixSession.realized ?? MatrixSession.groups.map { MatrixRealizer.realize($0, versions: .standard) }
        #expect(realized.count == MatrixSession.groups.count)
        for (group, runnable) in zip(MatrixSession.groups, realized) {
            #expect(runnable.cases.count == group.scenarios.count)
            #expect(!runnable.roles.isEmpty)
        }
    }
}

extension Tag {
    @Tag static var matrix: Self
}
