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
    ///
    /// One parameterised test per sslmode, not one for all: Swift Testing 6.3's console
    /// recorder copies a test's whole set of cases on every case it records (quadratic;
    /// swift-testing #1626), ~6 CPU-s for 11,294 cases under one test, a sixth of that split six ways.
    static func ids(_ mode: SSLMode) -> [String] {
        scenarios.filter { $0.client.sslMode == mode }.map(\.id)
    }

    @Test("sslmode=disable x pg_hba x chain x trust x client certificate x server TLS", arguments: ids(.disable))
    func disable(_ id: String) async throws { await Self.check(id) }

    @Test("sslmode=allow x pg_hba x chain x trust x client certificate x server TLS", arguments: ids(.allow))
    func allow(_ id: String) async throws { await Self.check(id) }

    @Test("sslmode=prefer x pg_hba x chain x trust x client certificate x server TLS", arguments: ids(.prefer))
    func prefer(_ id: String) async throws { await Self.check(id) }

    @Test("sslmode=require x pg_hba x chain x trust x client certificate x server TLS", arguments: ids(.require))
    func require(_ id: String) async throws { await Self.check(id) }

    @Test("sslmode=verify-ca x pg_hba x chain x trust x client certificate x server TLS", arguments: ids(.verifyCA))
    func verifyCA(_ id: String) async throws { await Self.check(id) }

    @Test(
        "sslmode=verify-full x pg_hba x chain x trust x client certificate x server TLS", arguments: ids(.verifyFull))
    func verifyFull(_ id: String) async throws { await Self.check(id) }

    /// The case's result from the one run of the whole matrix (`MatrixSession`).
    static func check(_ id: String) async {
        let session = MatrixSession.shared
        if let setupError = session.setupError { Issue.record("no PostgreSQL to test against: \(setupError)"); return }
        guard let result = await session.result(forID: id) else {
            Issue.record("the case was not run: \(id)")
            return
        }
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
        // Every case is an argument of exactly one of the per-sslmode tests.
        #expect(SSLMode.allCases.reduce(0) { $0 + Self.ids($1).count } == Self.scenarios.count)
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
