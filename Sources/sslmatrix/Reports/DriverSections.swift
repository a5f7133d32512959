import Foundation
import Scenarios

/// The driver part of a report: per driver its conformance with libpq (counts by class, each
/// kind of deviation with its cases) and its keyword mapping, in text, markdown and html.
enum DriverSections {
    static func runs(_ set: ReportSet) -> [(name: String, run: MatrixReport, driver: DriverRun)] {
        zip(set.names, set.runs).compactMap { name, r in r.driver.map { (name, r, $0) } }
    }

    static func text(_ set: ReportSet) -> String {
        var out: [String] = []
        for (name, r, d) in runs(set) {
            out += ["", "Driver \(name) (\(d.identity)) vs the libpq \(r.versions.modelVersions.libpq) model"]
            out.append("  " + d.conformance.line + String(format: "; %.1f s", r.elapsed))
            for k in d.conformance.kinds {
                out.append(
                    "  [\(k.class.rawValue)] \(k.count)x \(k.kind)  (sslmode \(k.sslmodes.joined(separator: ", ")))")
                out.append("      e.g. \(k.examples.first ?? "")")
            }
            let unsupported = d.mappingRows.filter { $0.equivalent == "no equivalent" || $0.unsupportedCases > 0 }
            if !unsupported.isEmpty {
                out.append(
                    "  no equivalent: "
                        + unsupported.map { "\($0.keyword) (\($0.unsupportedCases) cases set it)" }.joined(
                            separator: ", "))
            }
        }
        return out.isEmpty ? "" : out.joined(separator: "\n") + "\n"
    }

    static func markdown(_ set: ReportSet) -> String {
        var out: [String] = []
        for (name, r, d) in runs(set) {
            out += ["", "## Driver \(name) vs the libpq \(r.versions.modelVersions.libpq) model", ""]
            out.append("\(d.identity); probe: `\(d.entry.command.joined(separator: " "))`")
            out += ["", "**" + d.conformance.line + String(format: "; %.1f s**", r.elapsed), ""]
            out += ["| class | cases |", "|---|---|", "| agree with libpq | \(d.conformance.agree) |"]
            for c in DriverDeviation.Class.allCases { out.append("| \(c.title) | \(d.conformance.count(c)) |") }
            out += ["", "### Deviations by kind (\(name))", ""]
            if d.conformance.kinds.isEmpty { out.append("None: every compared case agrees with libpq.") }
            for k in d.conformance.kinds {
                out.append("- **\(k.class.rawValue)**, \(k.count) cases: \(MarkdownReport.cell(k.kind))")
                out.append(
                    "  (sslmode \(k.sslmodes.joined(separator: ", "))); e.g. `\(k.examples.joined(separator: "`, `"))`")
            }
            out += ["", "### Keyword mapping (\(name))", ""]
            out += ["| libpq keyword | \(d.identity.name) | cases it was set but unsupported |", "|---|---|---|"]
            for row in d.mappingRows {
                out.append("| `\(row.keyword)` | \(MarkdownReport.cell(row.equivalent)) | \(row.unsupportedCases) |")
            }
        }
        return out.isEmpty ? "" : out.joined(separator: "\n") + "\n"
    }

    static func html(_ set: ReportSet) -> String {
        let h = HTMLReport.h
        var out: [String] = []
        for (name, r, d) in runs(set) {
            out.append(
                #"<section class="driver"><h2>Driver \#(h(name)) vs the libpq \#(r.versions.modelVersions.libpq) model</h2>"#
            )
            out.append("<p>\(h(d.identity.description))</p><p class=\"headline\">\(h(d.conformance.line))</p>")
            out.append(
                #"<table class="diff"><tr><th>class</th><th>cases</th><th>kind</th><th>sslmodes</th><th>examples</th></tr>"#
            )
            for k in d.conformance.kinds {
                out.append(
                    "<tr><td>\(h(k.class.rawValue))</td><td>\(k.count)</td><td>\(h(k.kind))</td><td>\(h(k.sslmodes.joined(separator: ", ")))</td><td><code>\(h(k.examples.joined(separator: "\n")))</code></td></tr>"
                )
            }
            out.append("</table>")
            out.append(
                #"<details><summary>keyword mapping</summary><table class="diff"><tr><th>libpq keyword</th><th>driver</th><th>set but unsupported</th></tr>"#
            )
            for row in d.mappingRows {
                out.append(
                    "<tr><td><code>\(h(row.keyword))</code></td><td>\(h(row.equivalent))</td><td>\(row.unsupportedCases)</td></tr>"
                )
            }
            out.append("</table></details></section>")
        }
        return out.joined(separator: "\n")
    }
}
