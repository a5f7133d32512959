import Foundation
import Scenarios

/// The terminal report that fits: the summary first, then one character per case in compact
/// heatmaps (legends below each), then the disagreements, every line within the style's width.
/// `--wide` keeps the older form (`TextReport`): a column per pg_hba rule, nothing cut.
enum CompactTextReport {
    static let legend = [
        "E accepted, encrypted   P accepted, plaintext   R rejected   X server did not start",
        "s skipped   ! model and reality disagree (listed at the end)   · no such case in this section",
    ]

    static func render(_ report: MatrixReport, show: Int, style: TerminalStyle) -> String {
        var out: [String] = ["pg-ssl-matrix: \(report.installation)"]
        out.append(style.paint(summary(report), report.fails ? .red : .bold))
        out.append(report.versionLine)
        if let settings = report.settingsLine { out.append(settings) }
        if let diff = report.baselineDiff {
            out.append("baseline \(report.baselinePath ?? ""): \(diff.changes.count) cases moved (details below)")
        }
        out.append("")
        out += legend
        let maps = MatrixHeatmaps.all
        for map in maps {
            let lines = map.render(report.results, judged: report.modelKnowsVersion, style: style)
            if lines.isEmpty { continue }
            out.append("")
            out += lines
        }
        let undrawn = report.results.filter { !MatrixHeatmaps.isDrawn($0, by: maps) }
        if !undrawn.isEmpty {
            let bad = undrawn.filter { $0.verdict == .disagree || $0.verdict == .error }.count
            out.append("")
            out.append(
                "\(undrawn.count) more case(s) not drawn above (invalid pg_hba lines, other scenarios): "
                    + "\(bad) disagree; `--wide` or `--format json` lists them")
        }
        if let drift = report.drift {
            out.append("")
            out.append(drift.text())
        }
        let problems = ProblemList(report.results, modelKnowsVersion: report.modelKnowsVersion)
        if !problems.isEmpty {
            out += problems.text(show: show, indent: TextReport.indent)
            out.append("")
            out.append(style.paint(summary(report), .red))
        }
        return out.map { style.wrapAll($0, continuation: "      ") }.joined(separator: "\n") + "\n"
    }

    /// The report's headline: cases generated, run, skipped with reasons, disagreeing.
    static func summary(_ report: MatrixReport) -> String { report.headline }
}
