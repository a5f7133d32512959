import ClusterKit
import Foundation

extension ScenarioRunner {
    /// The checks of a declared case that need the client's own output, which an in-process
    /// probe has none of: `client_stderr: empty` and `query`. psql of the cluster's
    /// installation connects with exactly the probe's parameters, as PostgreSQL's own suite
    /// does with `connect_ok` and `safe_psql`, and its stdout/stderr are compared.
    static func psqlDifferences(
        _ expectation: CaseExpectation, _ parameters: ConnectionParameters, _ cluster: Cluster
    ) async -> [String] {
        guard let d = expectation.checks, d.needsPsql else { return [] }
        // client_stderr and query are checks of an accepted session: beside a model that
        // predicts (rightly) that this client is refused, they have nothing to run on.
        if let e = expectation.prediction, !e.isAccepted { return [] }
        let psql: PsqlProbe
        do {
            psql = try PsqlProbe(cluster: cluster)
        } catch {
            return ["psql could not be prepared: \(error)"]
        }
        var diffs: [String] = []
        do {
            if d.clientStderrEmpty {
                let r = try await psql.run(parameters, sql: "SELECT 1")
                if r.exitCode != 0 || !r.standardError.isEmpty {
                    diffs.append(
                        "expected psql to connect and print nothing on stderr; exit \(r.exitCode.map(String.init) ?? "signal"), stderr:\n\(OutcomeComparison.indent(OutcomeComparison.trimmed(r.standardError)))"
                    )
                }
            }
            if let query = d.query {
                let r = try await psql.run(parameters, sql: query.sql)
                let output = OutcomeComparison.trimmed(r.standardOutput)
                if let expected = query.result, r.exitCode != 0 || output != expected {
                    diffs.append(
                        "expected `\(query.sql)` to print \(expected.debugDescription); exit \(r.exitCode.map(String.init) ?? "signal"), printed \(output.debugDescription), stderr: \(OutcomeComparison.trimmed(r.standardError).debugDescription)"
                    )
                }
                if let pattern = query.matches,
                    try r.exitCode != 0 || !output.contains(Regex(pattern).anchorsMatchLineEndings())
                {
                    diffs.append(
                        "expected `\(query.sql)` to print output matching /\(pattern)/; exit \(r.exitCode.map(String.init) ?? "signal"), printed \(output.debugDescription), stderr: \(OutcomeComparison.trimmed(r.standardError).debugDescription)"
                    )
                }
                if let pattern = query.error,
                    r.exitCode == 0 || !OutcomeComparison.search(pattern, in: r.standardError)
                {
                    diffs.append(
                        "expected `\(query.sql)` to fail with an error matching /\(pattern)/; exit \(r.exitCode.map(String.init) ?? "signal"), stderr: \(OutcomeComparison.trimmed(r.standardError).debugDescription)"
                    )
                }
            }
        } catch {
            diffs.append("psql could not run: \(error)")
        }
        return diffs
    }
}
