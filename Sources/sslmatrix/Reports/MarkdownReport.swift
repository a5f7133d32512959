import Foundation

enum MarkdownReport {
    static func render(_ report: MatrixReport) -> String {
        var out = ["# pg-ssl-matrix: \(report.installation)", "", report.versionLine, "", "**\(report.headline)**", "",
                   "E accepted+encrypted, P accepted plaintext, R rejected, X server did not start, ! model and reality disagree"]
        for table in Cell.tables(report.results) {
            out += ["", "## server chain: \(table.title) (client trusts root)", ""]
            out.append("| sslmode | " + table.columns.joined(separator: " | ") + " |")
            out.append("|---|" + table.columns.map { _ in "---" }.joined(separator: "|") + "|")
            for row in table.rows {
                out.append("| \(row) | " + table.columns.map { table.cells[row]?[$0] ?? "-" }.joined(separator: " | ") + " |")
            }
        }
        let bad = report.results.filter { $0.verdict == .disagree || $0.verdict == .error }
        if !bad.isEmpty {
            out += ["", "## Disagreements", ""]
            for r in bad {
                out += ["### \(r.id)", "", "```", r.differences.joined(separator: "\n"), "```", ""]
                out += r.rules.map { "- \($0)" }
                out.append("")
            }
        }
        return out.joined(separator: "\n") + "\n"
    }
}
