import ClusterKit
import Foundation
import Scenarios
import Testing

/// `explain` and `matrix --list` work from the model alone: with an unusable bindir and a
/// fresh PGSSLMATRIX_TMPDIR they still answer, and the directory stays empty (no cluster,
/// no server). `explain --run` shows reality beside the prediction.
@Suite("explain and matrix --list", .serialized, .tags(.cli))
struct ExplainCommandTests {
    static var canRun: Bool { FileManager.default.isExecutableFile(atPath: PackagePaths.sslmatrix) }

    /// Runs sslmatrix with a bindir that does not exist and a temp dir of its own; returns
    /// the result and the entries the temp dir holds afterwards.
    static func runWithoutInstallation(_ arguments: [String]) async throws -> (CommandResult, [String]) {
        let tmp = NSTemporaryDirectory() + "/sslmatrix-noserver-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        let r = try await Command.run(
            PackagePaths.sslmatrix, arguments,
            environment: Command.cleanEnvironment(adding: [
                "PGSSLMATRIX_BINDIR": "/nonexistent/bin", "PGSSLMATRIX_TMPDIR": tmp,
            ]), workingDirectory: PackagePaths.root)
        return (r, try FileManager.default.contentsOfDirectory(atPath: tmp))
    }

    @Test("explain CASE-ID: the model's prediction, attempts and rule trace; nothing started", .enabled(if: canRun))
    func explainStartsNothing() async throws {
        let scenario = try #require(
            MatrixDefinition.scenarios.first {
                $0.id == "prefer / hostssl scram / root-signed / trust root / cert expired / user u_hostssl_scram_cc0"
            })
        let expectation = Expectation.predict(scenario, versions: .same(15))
        let (r, left) = try await Self.runWithoutInstallation(["explain", scenario.id, "--major", "15", "--wide"])
        #expect(r.exitCode == 0, "\(r.combinedOutput)")
        #expect(left.isEmpty, "explain created \(left)")
        let out = r.standardOutput
        #expect(out.contains("case \(scenario.id)"))
        #expect(out.contains("rejected after \(expectation.attempts.count) attempt"))
        for attempt in expectation.attempts {
            #expect(out.contains(attempt.libpqMessage.text.trimmingCharacters(in: .newlines)), "\(out)")
            for log in attempt.serverLog { #expect(out.contains("server log: \(log.text)")) }
        }
        #expect(!expectation.rules.isEmpty)
        for (n, rule) in expectation.appliedRules.enumerated() {
            // Each rule is shown numbered with its id and text, its source on the next line.
            #expect(out.contains("  \(n + 1). [\(rule.id)] \(rule.text)\n     source: \(rule.source)"), "\(rule)")
        }
        #expect(out.contains("source: hba.c check_hba") || out.contains("source: libpq docs"))
        #expect(out.contains("hostssl all u_hostssl_scram_cc0 all scram-sha-256"))
    }

    @Test(
        "explain --file: a scenario file's case as expect: model predicts it, with its rule trace", .enabled(if: canRun)
    )
    func explainFileCase() async throws {
        let path = "Sources/Scenarios/examples/model-predicted.yaml"
        let name = "TLS 1.2 client certificate from an unknown CA is refused in the handshake"
        let (r, left) = try await Self.runWithoutInstallation([
            "explain", "--file", path, name, "--major", "15", "--wide",
        ])
        #expect(r.exitCode == 0, "\(r.combinedOutput)")
        #expect(left.isEmpty, "explain created \(left)")
        let out = r.standardOutput
        #expect(out.contains("case \(path): model-predicted / \(name)"), "\(out)")
        #expect(out.contains("[tls12.client-cert-rejected-in-handshake]"))
        #expect(out.contains("SSL error: tlsv1 alert unknown ca"))
        #expect(out.contains("client certificate CN=alice: the server's chain check: unknownIssuer"))
        let (missing, _) = try await Self.runWithoutInstallation([
            "explain", "--file", path, "no such case", "--major", "15",
        ])
        #expect(missing.exitCode == 2)
    }

    @Test("matrix --list --filter: the ids a run would include and their count; nothing started", .enabled(if: canRun))
    func listStartsNothing() async throws {
        let filter = "verify-full / hostssl scram / root-signed"
        let (r, left) = try await Self.runWithoutInstallation([
            "matrix", "--list", "--filter", filter, "--pg-bindir", "/nonexistent/bin",
        ])
        #expect(r.exitCode == 0, "\(r.combinedOutput)")
        #expect(left.isEmpty, "matrix --list created \(left)")
        let expected = MatrixDefinition.groups.flatMap { g in
            g.id.contains(filter) ? g.scenarios.map(\.id) : g.scenarios.map(\.id).filter { $0.contains(filter) }
        }
        let lines = r.standardOutput.split(separator: "\n").map(String.init)
        let summary = try #require(lines.last)
        #expect(Array(lines.dropLast()) == expected)
        #expect(summary.hasPrefix("\(expected.count) cases in "), "\(summary)")
    }

    @Test("explain with an id that is not in the matrix: exit 2 and the nearest ids", .enabled(if: canRun))
    func unknownID() async throws {
        let (r, _) = try await Self.runWithoutInstallation(["explain", "verify-full / hostssl scram / no-such-chain"])
        #expect(r.exitCode == 2)
        #expect(r.standardError.contains("no built-in matrix case has the id"), "\(r.standardError)")
        #expect(r.standardError.contains("verify-full / hostssl scram /"))
    }

    @Test(
        "explain --run: reality beside the prediction",
        .enabled(if: canRun && (try? Installation.discover()) != nil), .timeLimit(.minutes(10)))
    func explainRun() async throws {
        let id = "require / hostnossl trust / root-signed / trust root / user u_hostnossl_trust"
        let r = try await CLI.run(["explain", id, "--run"])
        #expect(r.exitCode == 0, "\(r.combinedOutput)")
        #expect(r.standardOutput.contains("prediction (model, server "))
        #expect(r.standardOutput.contains("reality: rejected: "), "\(r.standardOutput)")
        #expect(r.standardOutput.contains("verdict: the model and reality agree"))
    }
}
