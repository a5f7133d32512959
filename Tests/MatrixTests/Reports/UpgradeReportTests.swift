import Foundation
import Testing

/// The committed upgrade reports (docs/upgrades) are what `make upgrade-reports` makes from
/// the committed baselines: regenerating one gives the same bytes, so a report can never
/// describe recordings that are not in the repository. And the 15 -> 18 server report is
/// readable: one screen in its default text form, each kind of change named once, and
/// `--fail-on outcome` gating exactly on whether an outcome flipped.
@Suite("upgrade reports", .tags(.cli))
struct UpgradeReportTests {
    struct Line {
        var name: String
        var old: String
        var new: String
        var title: String
    }

    static let lines: [Line] = {
        guard let text = try? String(contentsOfFile: PackagePaths.root + "/docs/upgrades/reports.tsv", encoding: .utf8)
        else { return [] }
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.compactMap { row in
            let f = row.split(separator: "\t").map(String.init)
            return f.count == 4 ? Line(name: f[0], old: f[1], new: f[2], title: f[3]) : nil
        }
    }()

    static func exists(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: PackagePaths.root + "/" + path)
    }

    /// Reports whose baselines and output are committed.
    static var committed: [Line] {
        lines.filter { exists($0.old) && exists($0.new) && exists("docs/upgrades/" + $0.name) }
    }

    static var canRun: Bool { FileManager.default.isExecutableFile(atPath: PackagePaths.sslmatrix) }

    @Test("every report listed is committed with both its baselines")
    func allCommitted() {
        #expect(Self.lines.count >= 4)
        for line in Self.lines {
            #expect(Self.exists(line.old) && Self.exists(line.new), "\(line.name): baselines missing")
            #expect(Self.exists("docs/upgrades/" + line.name), "\(line.name) missing: make upgrade-reports")
        }
    }

    @Test("a report regenerated from the committed baselines is byte-identical", .enabled(if: canRun))
    func regenerate() async throws {
        // The smallest pair keeps this fast; every pair is made the same way.
        let line = try #require(
            Self.committed.min {
                (try? Data(contentsOf: URL(fileURLWithPath: PackagePaths.root + "/docs/upgrades/" + $0.name)).count)
                    ?? 0
                    < (try? Data(contentsOf: URL(fileURLWithPath: PackagePaths.root + "/docs/upgrades/" + $1.name))
                        .count) ?? 0
            })
        let r = try await CLI.run([
            "baseline", "compare", line.old, line.new, "--format", "markdown", "--title", line.title,
        ])
        #expect(r.exitCode == 0 || r.exitCode == 1, "\(r.combinedOutput)")
        let committed = try String(contentsOfFile: PackagePaths.root + "/docs/upgrades/" + line.name, encoding: .utf8)
        #expect(r.standardOutput == committed, "docs/upgrades/\(line.name) is stale: run make upgrade-reports")
        let head = committed.split(separator: "\n").dropFirst(1).prefix(3)
        #expect(head.map { $0.prefix(12) } == ["**Flipped:**", "**Wording on", "**Action:** "], "\(head)")
    }

    @Test(
        "15 -> 18: one screen, each kind once, --fail-on outcome exits 1 exactly when an outcome flipped",
        .enabled(if: canRun && exists("baselines/pg15-openssl3.0.json") && exists("baselines/pg18-openssl3.0.json")))
    func fifteenToEighteen() async throws {
        let old = "baselines/pg15-openssl3.0.json", new = "baselines/pg18-openssl3.0.json"
        let text = try await CLI.run(["baseline", "compare", old, new])
        let lines = text.standardOutput.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count <= 60, "not one screen: \(lines.count) lines")
        #expect(text.exitCode == 1, "15 -> 18 changes something")

        let json = try await CLI.run(["baseline", "compare", old, new, "--format", "json"])
        let report = try JSONDecoder().decode(DriftReportTests.Report.self, from: Data(json.standardOutput.utf8))
        let keys = report.summary.entries.map { "\($0.category) \($0.change) \($0.side) \($0.cases.first ?? "")" }
        #expect(Set(keys).count == keys.count, "a kind of change listed twice")
        let flipped = report.summary.entries.contains { $0.category == "outcome" }
        let gate = try await CLI.run(["baseline", "compare", old, new, "--fail-on", "outcome"])
        #expect(gate.exitCode == (flipped ? 1 : 0), "\(gate.combinedOutput.prefix(2000))")
    }
}
