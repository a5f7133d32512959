import ClusterKit
import Foundation
import Scenarios
import Testing

/// The terminal output of `matrix`, `report`, `run` and `impostor` fits 120 columns by
/// default, puts the summary first, and colours only a terminal that did not ask for NO_COLOR.
@Suite("terminal output fits 120 columns", .serialized, .tags(.cli))
struct TerminalWidthTests {
    static let filter = "expired / trust root / user"
    static var canRun: Bool {
        FileManager.default.isExecutableFile(atPath: PackagePaths.sslmatrix) && (try? Installation.discover()) != nil
    }
    static let escape = "\u{1B}["

    static func longest(_ text: String) -> Int {
        text.split(separator: "\n", omittingEmptySubsequences: false).map(\.count).max() ?? 0
    }

    @Test("matrix: summary first, compact heatmaps within 120 columns, --wide is the wide form", .enabled(if: canRun))
    func matrixFits() async throws {
        let r = try await CLI.run(["matrix", "--filter", Self.filter])
        #expect(r.exitCode == 0, "\(r.combinedOutput)")
        let lines = r.standardOutput.split(separator: "\n").map(String.init)
        #expect(Self.longest(r.standardOutput) <= 120, "\(r.standardOutput)")
        let summary = try #require(lines.dropFirst().first)
        let predicted = MatrixDefinition.scenarios.filter { $0.id.contains(Self.filter) }.count
        #expect(summary.hasPrefix("\(predicted) cases generated: "), "\(summary)")
        #expect(summary.contains(" disagree") && summary.contains(" skipped") && summary.contains(" s ("))
        #expect(r.standardOutput.contains("server chain: expired"))
        // One character per case: the heatmap rows hold exactly the cases of the run.
        let cells = lines.filter { $0.hasPrefix("host") || $0.hasPrefix("local") }
            .map { $0.split(separator: " ").dropFirst(2).joined().filter { "EPRXs!".contains($0) }.count }
        #expect(cells.reduce(0, +) == predicted, "\(lines)")
        #expect(!r.standardOutput.contains(Self.escape), "no colour into a pipe")

        let wide = try await CLI.run(["matrix", "--filter", Self.filter, "--wide"])
        #expect(wide.exitCode == 0)
        #expect(Self.longest(wide.standardOutput) > 120, "the wide form keeps a column per pg_hba rule")
    }

    @Test("colour only on a terminal, and not with NO_COLOR", .enabled(if: canRun && hasScript))
    func colourOnlyOnATerminal() async throws {
        let command = "\(PackagePaths.sslmatrix) matrix --filter 'disable / host trust / expired / trust root /'"
        let tty = try await Command.run("/usr/bin/script", ["-qec", command, "/dev/null"])
        #expect(tty.standardOutput.contains(Self.escape), "\(tty.combinedOutput)")
        let noColor = try await Command.run(
            "/usr/bin/script", ["-qec", command, "/dev/null"],
            environment: Command.cleanEnvironment(adding: ["NO_COLOR": "1"]))
        #expect(noColor.standardOutput.contains("cases generated"), "\(noColor.combinedOutput)")
        #expect(!noColor.standardOutput.contains(Self.escape))
    }
    static var hasScript: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/script") }

    @Test("run and impostor: summary first, within 120 columns", .enabled(if: canRun), .timeLimit(.minutes(10)))
    func runAndImpostorFit() async throws {
        let examples = "\(PackagePaths.root)/Sources/Scenarios/examples"
        let files = try FileManager.default.contentsOfDirectory(atPath: examples).filter { $0.hasSuffix(".yaml") }
            .sorted().map { "\(examples)/\($0)" }
        let run = try await CLI.run(["run"] + files)
        #expect(run.exitCode == 0, "\(run.combinedOutput)")
        #expect(Self.longest(run.standardOutput) <= 120, "\(run.standardOutput)")
        #expect(run.standardOutput.split(separator: "\n").first?.contains(" as declared, ") == true)

        let impostor = try await CLI.run(["impostor"])
        #expect(impostor.exitCode == 0, "\(impostor.combinedOutput)")
        #expect(Self.longest(impostor.standardOutput) <= 120, "\(impostor.standardOutput)")
        let head = impostor.standardOutput.split(separator: "\n").prefix(4).joined(separator: "\n")
        #expect(head.contains(" runs in ") && head.contains("agree"), "\(head)")
    }
}
