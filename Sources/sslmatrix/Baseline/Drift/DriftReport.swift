import Foundation

/// A baseline diff ready to read: which recordings were compared, the three-line verdict,
/// and the grouped summary; `render` prints it as text, markdown, HTML or JSON.
///
/// The default form names each kind of change once with three example cases, so an upgrade
/// that touched two thousand cases fits on one screen; `all` lists every case per kind.
struct DriftReport: Codable, Sendable {
    /// Where each side came from ("baselines/pg15-openssl3.0.json", "this run").
    var beforeLabel: String
    var afterLabel: String
    var beforeVersions: VersionInfo?
    var afterVersions: VersionInfo?
    var verdict: UpgradeVerdict
    var summary: DriftSummary
    /// Every changed case with its old and new fields (JSON only).
    var changes: [BaselineDiff.Change]
    var compared: Int

    init(
        _ diff: BaselineDiff, beforeLabel: String, afterLabel: String, beforeVersions: VersionInfo?,
        afterVersions: VersionInfo?
    ) {
        self.beforeLabel = beforeLabel
        self.afterLabel = afterLabel
        self.beforeVersions = beforeVersions
        self.afterVersions = afterVersions
        summary = DriftSummary(diff, before: beforeVersions, after: afterVersions)
        verdict = UpgradeVerdict(summary)
        changes = diff.changes
        compared = diff.compared
    }

    var isEmpty: Bool { summary.isEmpty }

    /// Whether any change of these categories exists (the `--fail-on` gate).
    func drifts(in categories: Set<DriftEntry.Category>) -> Bool {
        summary.entries.contains { categories.contains($0.category) }
    }

    /// "DRIFT: 1967 of 11113 cases changed: 0 outcome flips, ..." or "no drift: ...".
    var headline: String {
        if isEmpty { return "no drift: \(compared) cases observed as recorded" }
        let parts = DriftEntry.Category.allCases.compactMap { c -> String? in
            let kinds = summary.entries(c).count
            return kinds == 0 && c != .outcome
                ? nil : "\(c.title) in \(UpgradeVerdict.cases(summary.caseCount(c))) (\(UpgradeVerdict.kinds(kinds)))"
        }
        return "DRIFT: \(summary.changedCases) of \(compared) cases changed: " + parts.joined(separator: ", ")
    }

    func versionLine(_ v: VersionInfo?) -> String { v.map(MatrixReport.versionLine) ?? "unknown" }

    // MARK: Text

    func text(all: Bool = false) -> String {
        var out = [
            "\(beforeLabel) -> \(afterLabel)",
            "  before: \(versionLine(beforeVersions))",
            "  after:  \(versionLine(afterVersions))",
        ]
        if !summary.versionChanges.isEmpty {
            out.append("  changed: " + summary.versionChanges.joined(separator: "; "))
        }
        out.append(headline)
        if isEmpty { return out.joined(separator: "\n") + "\n" }
        out += verdict.lines
        for category in DriftEntry.Category.allCases {
            let entries = summary.entries(category)
            if entries.isEmpty {
                if category == .outcome { out += ["", "outcome flips: none"] }
                continue
            }
            out += [
                "",
                "\(category.title): \(UpgradeVerdict.cases(summary.caseCount(category))), "
                    + UpgradeVerdict.kinds(entries.count),
            ]
            for (index, e) in entries.enumerated() {
                out.append("  \(index + 1). [\(e.side)] \(e.change), \(e.count) case\(e.count == 1 ? "" : "s")")
                out += Self.diffLines(e).map { "       " + $0 }
                let listed = all ? e.cases : e.examples
                for (i, id) in listed.enumerated() { out.append((i == 0 ? "       e.g. " : "            ") + id) }
                if !all, e.count > listed.count { out.append("            (+\(e.count - listed.count) more: --all)") }
            }
        }
        return out.joined(separator: "\n") + "\n"
    }

    /// The example's change, one line per text line that changed, trimmed to the words
    /// around the change; an outcome flip shows its old and new message instead.
    static func diffLines(_ e: DriftEntry, width: Int = 200) -> [String] {
        func cut(_ s: String) -> String { s.count > width ? String(s.prefix(width - 1)) + "…" : s }
        if e.category == .outcome || e.category == .cases {
            return [
                "before: " + cut((e.before ?? "-").replacingOccurrences(of: "\n", with: " ⏎ ")),
                "after:  " + cut((e.after ?? "-").replacingOccurrences(of: "\n", with: " ⏎ ")),
            ]
        }
        return [cut(e.wordDiff.trimmed(context: 5).plain)]
    }

    // MARK: Markdown

    func markdown(all: Bool = false, title: String? = nil) -> String {
        var out = ["# " + (title ?? "\(beforeLabel) -> \(afterLabel)"), ""]
        out += verdict.lines.map { "**\($0.prefix { $0 != ":" }):**\($0.drop { $0 != ":" }.dropFirst())  " }
        out += [
            "", "| | recording | versions |", "|---|---|---|",
            "| before | `\(beforeLabel)` | \(Self.md(versionLine(beforeVersions))) |",
            "| after | `\(afterLabel)` | \(Self.md(versionLine(afterVersions))) |", "",
        ]
        if !summary.versionChanges.isEmpty {
            out += ["Changed: " + summary.versionChanges.map(Self.md).joined(separator: "; "), ""]
        }
        out += [Self.md(headline), ""]
        for category in DriftEntry.Category.allCases {
            let entries = summary.entries(category)
            if entries.isEmpty { continue }
            out += [
                "## \(category.title.prefix(1).uppercased() + category.title.dropFirst()): \(UpgradeVerdict.cases(summary.caseCount(category))), \(UpgradeVerdict.kinds(entries.count))",
                "",
            ]
            for (index, e) in entries.enumerated() {
                out += [
                    "### \(index + 1). \(Self.md(e.change)): \(e.count) case\(e.count == 1 ? "" : "s") (\(Self.md(e.side)))",
                    "",
                ]
                if e.category == .outcome || e.category == .cases {
                    out.append("- before: " + Self.md(e.before ?? "-").replacingOccurrences(of: "\n", with: " ⏎ "))
                    out.append("- after: " + Self.md(e.after ?? "-").replacingOccurrences(of: "\n", with: " ⏎ "))
                } else {
                    out.append("> " + Self.htmlDiff(e.wordDiff.trimmed(context: 8)))
                }
                out.append("")
                let listed = all ? e.cases : e.examples
                out.append("Cases" + (all || e.count <= 3 ? "" : " (3 of \(e.count))") + ":")
                out += listed.map { "- `\($0)`" }
                out.append("")
            }
        }
        return out.joined(separator: "\n")
    }

    /// Escapes what markdown or HTML would read as markup (placeholders look like tags).
    static func md(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "|", with: "\\|")
            .replacingOccurrences(of: "*", with: "\\*").replacingOccurrences(of: "_", with: "\\_")
    }

    static func h(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// A word diff with `<del>`/`<ins>`, readable on a code host and in a browser.
    static func htmlDiff(_ d: WordDiff) -> String {
        d.segments.map { s in
            switch s.kind {
            case .same: return h(s.text)
            case .deleted: return "<del>" + h(s.text) + "</del>"
            case .inserted: return "<ins>" + h(s.text) + "</ins>"
            }
        }.joined(separator: " ")
    }

    // MARK: HTML

    /// A section for a page (the matrix report embeds it) or, with `page`, a whole page.
    func html(all: Bool = false, page: Bool = true) -> String {
        var out = [#"<section class="drift"><h2>\#(Self.h(beforeLabel)) &rarr; \#(Self.h(afterLabel))</h2>"#]
        out.append(
            #"<p class="v">before: \#(Self.h(versionLine(beforeVersions)))<br>after: \#(Self.h(versionLine(afterVersions)))</p>"#
        )
        if !summary.versionChanges.isEmpty {
            out.append(#"<p class="v">changed: \#(Self.h(summary.versionChanges.joined(separator: "; ")))</p>"#)
        }
        out.append(#"<p class="headline">\#(Self.h(headline))</p>"#)
        if !isEmpty {
            out.append("<ul class=\"verdict\">" + verdict.lines.map { "<li>\(Self.h($0))</li>" }.joined() + "</ul>")
        }
        for category in DriftEntry.Category.allCases {
            let entries = summary.entries(category)
            if entries.isEmpty { continue }
            out.append(
                "<h3>\(Self.h(category.title)): \(UpgradeVerdict.cases(summary.caseCount(category))), \(UpgradeVerdict.kinds(entries.count))</h3><ol>"
            )
            for e in entries {
                var item =
                    "<li><b>\(Self.h(e.change))</b>, \(e.count) cases <span class=\"side\">\(Self.h(e.side))</span>"
                if e.category == .outcome || e.category == .cases {
                    item +=
                        "<div class=\"wd\">before: \(Self.h(e.before ?? "-"))<br>after: \(Self.h(e.after ?? "-"))</div>"
                } else {
                    item += "<div class=\"wd\">\(Self.htmlDiff(e.wordDiff.trimmed(context: 8)))</div>"
                }
                let listed = all ? e.cases : e.examples
                item +=
                    "<details><summary>\(all ? "all \(e.count) cases" : "examples (\(listed.count) of \(e.count))")</summary><ul>"
                item += listed.map { "<li><code>\(Self.h($0))</code></li>" }.joined() + "</ul></details></li>"
                out.append(item)
            }
            out.append("</ol>")
        }
        out.append("</section>")
        guard page else { return out.joined(separator: "\n") }
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>pg-ssl-matrix baseline diff</title>
            <style>\(Self.css)</style></head><body>
            \(out.joined(separator: "\n"))
            </body></html>

            """
    }

    static let css = """
        body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}.v{color:#444;font-size:.9em}
        .headline{font-weight:bold}.verdict li{margin:.2em 0}.side{color:#555;font-size:.9em}
        .wd{font-family:ui-monospace,monospace;font-size:.9em;background:#f6f6f6;padding:.3em .5em;margin:.3em 0;white-space:pre-wrap}
        del{background:#fdd;text-decoration:line-through}ins{background:#dfd;text-decoration:none}
        """
}
