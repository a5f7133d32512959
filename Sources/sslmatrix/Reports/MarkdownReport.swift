import Foundation
import Scenarios

/// Markdown for a pull request or wiki: versions, one table per chain option. With several
/// installations each cell shows every installation's symbol side by side ("E · R").
enum MarkdownReport {
    static func render(_ report: MatrixReport) -> String { render(ReportSet([report])) }

    static func render(_ set: ReportSet) -> String {
        let names = set.names
        var out = ["# pg-ssl-matrix", ""]
        for (name, r) in zip(names, set.runs) {
            out.append(set.runs.count > 1 ? "## \(name): \(r.installation)" : "## \(r.installation)")
            out += ["", r.versionLine, ""]
            if let s = r.settingsLine { out += ["_\(s)_", ""] }
            out += ["**\(r.headline)**", ""]
        }
        out.append(
            "E accepted+encrypted, P accepted plaintext, R rejected, X server did not start, ! model and reality disagree"
        )
        if set.runs.count > 1 { out.append("; each cell: " + names.joined(separator: " · ")) }
        let tables = set.runs.map { Cell.tables($0.results, judged: $0.modelKnowsVersion) }
        for (i, table) in (tables.first ?? []).enumerated() {
            out += ["", "### server chain: \(table.title) (client trusts root)", ""]
            out.append("| sslmode | " + table.columns.joined(separator: " | ") + " |")
            out.append("|---|" + table.columns.map { _ in "---" }.joined(separator: "|") + "|")
            for row in table.rows {
                let cells = table.columns.map { col in
                    tables.map { ts in i < ts.count ? ts[i].cells[row]?[col] ?? "-" : "-" }.joined(separator: " · ")
                }
                out.append("| \(row) | " + cells.joined(separator: " | ") + " |")
            }
        }
        let cross = set.crossDifferences
        if set.runs.count > 1 {
            out += ["", "## Observed differently between installations (\(cross.count))", ""]
            if !cross.isEmpty {
                out.append("| case | " + names.joined(separator: " | ") + " |")
                out.append("|---|" + names.map { _ in "---" }.joined(separator: "|") + "|")
                for d in cross { out.append("| \(d.id) | " + d.observed.map(cell).joined(separator: " | ") + " |") }
            }
        }
        for (name, r) in zip(names, set.runs) {
            if let drift = r.drift, let path = r.baselinePath {
                out += [
                    "", "## Drift from baseline \(path)\(set.runs.count > 1 ? " (\(name))" : "")", "", "```",
                    drift.text(), "```",
                ]
            }
            // A driver's deviations are listed by kind (DriverSections), not one by one.
            for section in ProblemList(r.results, modelKnowsVersion: r.modelKnowsVersion).sections where r.driver == nil
            {
                out += ["", "## \(section.title)\(set.runs.count > 1 ? " (\(name))" : "")", ""]
                for c in section.results {
                    out += ["### \(c.id)", "", "```", c.differences.joined(separator: "\n"), "```", ""]
                    out += c.rules.map { "- \($0)" }
                    out.append("")
                }
            }
        }
        return out.joined(separator: "\n") + "\n"
    }

    static func cell(_ s: String) -> String {
        s.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }
}
