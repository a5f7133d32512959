import Foundation
import Scenarios

/// What a DBA reads in the terminal: versions, a table per chain option, the disagreements.
enum TextReport {
    static func render(_ report: MatrixReport, show: Int) -> String {
        var out = ["pg-ssl-matrix: \(report.installation)", report.versionLine]
        if let settings = report.settingsLine { out.append(settings) }
        out += [report.headline, ""]
        out.append(
            "E accepted+encrypted, P accepted plaintext, R rejected, X server did not start, ! model and reality disagree"
        )
        for table in Cell.tables(report.results, judged: report.modelKnowsVersion) {
            out.append("")
            out.append("server chain: \(table.title) (client trusts root)")
            let width = max(12, table.columns.map(\.count).max() ?? 0)
            out.append("sslmode      " + table.columns.map { pad($0, width) }.joined(separator: " "))
            for row in table.rows {
                out.append(
                    pad(row, 12) + " "
                        + table.columns.map { pad(table.cells[row]?[$0] ?? "-", width) }.joined(separator: " "))
            }
        }
        if let drift = report.drift {
            out.append("")
            out.append(drift.text())
        }
        out += ProblemList(report.results, modelKnowsVersion: report.modelKnowsVersion).text(show: show, indent: indent)
        return out.joined(separator: "\n") + "\n"
    }

    static func pad(_ s: String, _ n: Int) -> String {
        s.count >= n ? s : s + String(repeating: " ", count: n - s.count)
    }
    static func indent(_ s: String) -> String {
        s.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n")
    }
}
