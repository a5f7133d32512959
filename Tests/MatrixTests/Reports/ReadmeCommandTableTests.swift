import ClusterKit
import Foundation
import Testing

/// The README's command table is what users copy: every command it names exists, every
/// option it shows is in that command's `--help`, and `--pg-bindir` (which the README says
/// every command takes) is accepted by each.
@Suite("README matches the CLI", .tags(.cli))
struct ReadmeCommandTableTests {
    static var canRun: Bool { FileManager.default.isExecutableFile(atPath: PackagePaths.sslmatrix) }

    /// One command the table names: its subcommand words and the options shown with it.
    struct Row: CustomStringConvertible {
        var words: [String]
        var options: [String]
        var description: String { (["sslmatrix"] + words).joined(separator: " ") }
    }

    /// Every backticked command in the first column of the README's command table. A cell
    /// like "`sslmatrix baseline record` / `baseline diff FILE`" names two commands; the
    /// second starts with the subcommand (the "sslmatrix" is implied).
    static func rows() throws -> [Row] {
        let readme = try String(contentsOfFile: PackagePaths.root + "/README.md", encoding: .utf8)
        var rows: [Row] = []
        var inTable = false
        for line in readme.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("| command |") {
                inTable = true
                continue
            }
            guard inTable else { continue }
            guard line.hasPrefix("|") else {
                if !rows.isEmpty { break } else { continue }
            }
            if line.hasPrefix("|---") { continue }
            // Backslash-escaped pipes (`text\|json`) stay inside the cell.
            let first = Self.firstCell(String(line))
            for code in Self.backticked(first) {
                var tokens = code.split(separator: " ").map(String.init)
                if tokens.first == "make" { continue }  // `make impostor`: the Makefile target beside it
                if tokens.first == "sslmatrix" { tokens.removeFirst() }
                let words = Array(tokens.prefix { $0.first?.isLetter == true && $0 == $0.lowercased() })
                let options = code.matches(of: /--[a-z][a-z0-9-]*/).map { String($0.output) }
                guard !words.isEmpty else { continue }
                rows.append(Row(words: words, options: options))
            }
        }
        return rows
    }

    static func firstCell(_ line: String) -> String {
        var out = ""
        var previous: Character = " "
        for c in line.dropFirst() {
            if c == "|" && previous != "\\" { break }
            out.append(c)
            previous = c
        }
        return out
    }

    static func backticked(_ s: String) -> [String] {
        s.split(separator: "`", omittingEmptySubsequences: false).enumerated().filter { $0.offset % 2 == 1 }
            .map { String($0.element) }
    }

    @Test("every command and option in the README's table exists", .enabled(if: canRun))
    func tableMatchesHelp() async throws {
        let rows = try Self.rows()
        #expect(rows.count >= 10, "\(rows)")
        let named = Set(rows.map { $0.words.joined(separator: " ") })
        for command in ["matrix", "explain", "run", "impostor", "report", "inspect", "bench", "cluster up"] {
            #expect(named.contains(command), "the README's table has no `sslmatrix \(command)`")
        }
        for row in rows {
            let help = try await CLI.run(row.words + ["--help"])
            #expect(help.exitCode == 0, "\(row): \(help.combinedOutput)")
            for option in row.options + ["--pg-bindir"] {
                #expect(
                    help.standardOutput.contains(option + " ") || help.standardOutput.contains(option + "\n"),
                    "README names `\(row)` with \(option), but its --help does not list it")
            }
        }
    }

    @Test("--pg-bindir is accepted by commands that start no server (exit 64 before)", .enabled(if: canRun))
    func pgBindirEverywhere() async throws {
        let bindir = (try? Installation.discover().bindir) ?? "/usr/lib/postgresql/15/bin"
        let missing = "/nonexistent/sslmatrix-readme-test"
        for words in [["inspect", missing], ["report", missing], ["cluster", "reap"]] {
            let r = try await CLI.run(words + ["--pg-bindir", bindir])
            #expect(r.exitCode != 64, "\(words): \(r.combinedOutput)")
            #expect(!r.standardError.contains("Unknown option"), "\(words): \(r.combinedOutput)")
        }
    }
}
