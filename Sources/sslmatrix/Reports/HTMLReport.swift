import Foundation
import Scenarios

/// One self-contained page (inline CSS and JS, nothing fetched): a version header, one
/// heatmap per server chain option (rows sslmode, columns pg_hba rule; green accepted and
/// encrypted, amber accepted in plaintext, red rejected), the installations side by side,
/// the exact message on hover and in a details list, and the drift from a baseline.
enum HTMLReport {
    static func render(_ report: MatrixReport) -> String { render(ReportSet([report])) }

    static func render(_ set: ReportSet) -> String {
        let names = set.names
        var body: [String] = ["<h1>pg-ssl-matrix</h1>"]
        body.append(#"<section class="versions">"#)
        for (name, r) in zip(names, set.runs) {
            body.append(
                #"<div class="run"><h2>\#(h(name))</h2><p>\#(h(r.installation))</p><p class="v">\#(h(r.versionLine))</p>"#
            )
            if let s = r.settingsLine { body.append(#"<p class="warn">\#(h(s))</p>"#) }
            body.append(#"<p class="\#(r.modelKnowsVersion ? "headline" : "warn")">\#(h(r.headline))</p></div>"#)
        }
        body.append("</section>")
        body.append(
            #"<p class="legend"><span class="c enc">E</span> accepted, encrypted <span class="c plain">P</span> accepted, plaintext <span class="c rej">R</span> rejected <span class="c nostart">X</span> server did not start <span class="c skip">s</span> skipped <span class="c enc bad">!</span> model and reality disagree. Hover a cell for the message; click it for the details.</p>"#
        )

        let tables = set.runs.map { Cell.tables($0.results, judged: $0.modelKnowsVersion) }
        for (i, table) in (tables.first ?? []).enumerated() {
            body.append(
                #"<section class="chain"><h2>server chain: \#(h(table.title)) <small>(client trusts root)</small></h2><div class="side">"#
            )
            for (runIndex, ts) in tables.enumerated() where i < ts.count {
                body.append(
                    heatmap(ts[i], name: names[runIndex], run: runIndex, judged: set.runs[runIndex].modelKnowsVersion))
            }
            body.append("</div>")
            body.append(
                details(
                    tables.enumerated().compactMap {
                        $0.element.count > i ? ($0.offset, names[$0.offset], $0.element[i]) : nil
                    }))
            body.append("</section>")
        }
        if set.runs.count > 1 { body.append(cross(set)) }
        body.append(DriverSections.html(set))
        for (name, r) in zip(names, set.runs) {
            if let drift = r.drift {
                body.append(drift.html(page: false))
            }
        }
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>pg-ssl-matrix report</title>
            <style>\(css)\(DriftReport.css)</style></head>
            <body>
            \(body.joined(separator: "\n"))
            <script>\(js)</script>
            </body></html>

            """
    }

    static func heatmap(_ t: Cell.Table, name: String, run: Int, judged: Bool) -> String {
        var out = [#"<table class="heat"><caption>\#(h(name))</caption><thead><tr><th>sslmode</th>"#]
        out += t.columns.map { #"<th class="hba">\#(h($0))</th>"# }
        out.append("</tr></thead><tbody>")
        for row in t.rows {
            out.append("<tr><th>\(h(row))</th>")
            for col in t.columns {
                guard let r = t.results[row]?[col] else { out.append(#"<td class="c none">-</td>"#); continue }
                let bad = judged && (r.verdict == .disagree || r.verdict == .error)
                out.append(
                    ##"<td class="c \##(cssClass(r))\##(bad ? " bad" : "")" title="\##(h(hover(r)))"><a href="#\##(anchor(run, r.id))">\##(h(Cell.symbol(r, judged: judged)))</a></td>"##
                )
            }
            out.append("</tr>")
        }
        out.append("</tbody></table>")
        return out.joined()
    }

    static func details(_ runs: [(Int, String, Cell.Table)]) -> String {
        var out = [
            #"<details class="msgs"><summary>every cell's outcome and exact message</summary><input class="find" placeholder="filter"><dl>"#
        ]
        for (run, name, t) in runs {
            for row in t.rows {
                for col in t.columns {
                    guard let r = t.results[row]?[col] else { continue }
                    out.append(
                        #"<dt id="\#(anchor(run, r.id))"><span class="c \#(cssClass(r))">\#(h(Cell.symbol(r)))</span> \#(h(name)) · \#(h(row)) · \#(h(col)) <code>\#(h(r.id))</code></dt>"#
                    )
                    out.append("<dd><pre>\(h(hover(r)))</pre></dd>")
                }
            }
        }
        out.append("</dl></details>")
        return out.joined(separator: "\n")
    }

    static func cross(_ set: ReportSet) -> String {
        let diffs = set.crossDifferences
        var out = [#"<section><h2>Observed differently between installations (\#(diffs.count))</h2>"#]
        if !diffs.isEmpty {
            out.append(
                "<table class=\"diff\"><tr><th>case</th>" + set.names.map { "<th>\(h($0))</th>" }.joined() + "</tr>")
            for d in diffs {
                out.append(
                    "<tr><td><code>\(h(d.id))</code></td>" + d.observed.map { "<td>\(h($0))</td>" }.joined() + "</tr>")
            }
            out.append("</table>")
        }
        out.append("</section>")
        return out.joined(separator: "\n")
    }

    static func cssClass(_ r: CaseResult) -> String {
        switch r.observed?.kind {
        case .accepted?: return r.observed?.encrypted == true ? "enc" : "plain"
        case .rejected?: return "rej"
        case .serverDidNotStart?: return "nostart"
        case .notAttempted?, nil: return "skip"
        }
    }

    /// The whole observation, as the title attribute and the details entry show it.
    static func hover(_ r: CaseResult) -> String {
        var lines = [r.id, r.observed?.shortDescription ?? "not run: \(r.differences.first ?? "")"]
        if let o = r.observed, o.kind != .rejected, let m = o.message { lines.append(m) }
        if let log = r.observed?.serverLog, !log.isEmpty { lines.append("server log:"); lines += log.map { "  " + $0 } }
        if r.verdict == .disagree || r.verdict == .error {
            lines.append("model: \(r.expected)"); lines += r.differences
        }
        return lines.joined(separator: "\n")
    }

    static func anchor(_ run: Int, _ id: String) -> String {
        "r\(run)-" + String(id.map { $0.isLetter || $0.isNumber ? $0 : "-" })
    }

    static func h(_ s: String) -> String { JUnitReport.xml(s) }

    static let css = """
        body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222;background:#fff}
        h1{margin:0 0 .5em}h2{font-size:1.15em;margin:1.2em 0 .4em}small{color:#666;font-weight:normal}
        .versions{display:flex;gap:1.5em;flex-wrap:wrap}.run{border:1px solid #ccc;border-radius:6px;padding:.3em .8em;flex:1;min-width:20em}
        .run h2{margin:.3em 0}.v{color:#444;font-size:.9em}.headline{font-weight:bold}.warn{font-weight:bold;color:#8a5a00}
        .side{display:flex;gap:1.5em;flex-wrap:wrap;align-items:flex-start}
        table.heat{border-collapse:collapse}table.heat caption{font-weight:bold;text-align:left}
        table.heat th{font-weight:normal;text-align:left;padding:2px 6px;font-size:.85em}
        table.heat th.hba{writing-mode:vertical-rl;transform:rotate(180deg);max-height:14em;white-space:nowrap}
        .c{width:2.1em;height:1.7em;text-align:center;border:1px solid #fff;font-weight:bold;display:table-cell}
        span.c{display:inline-block;line-height:1.7em}
        .c a{color:inherit;text-decoration:none;display:block}
        .enc{background:#2e9d4a;color:#fff}.plain{background:#f0a81c;color:#222}.rej{background:#d23b35;color:#fff}
        .nostart{background:#555;color:#fff}.skip,.none{background:#eee;color:#888}
        .bad{outline:3px solid #000;outline-offset:-3px}
        details.msgs{margin:.6em 0}dt{margin-top:.5em}dd{margin:0 0 0 2.5em}dd pre{margin:0;white-space:pre-wrap;font-size:.85em}
        dt:target,dt:target+dd{background:#ffef9e}input.find{margin:.4em 0;width:30em}
        table.diff{border-collapse:collapse;font-size:.85em}table.diff td,table.diff th{border:1px solid #ccc;padding:3px 6px;vertical-align:top;white-space:pre-wrap}
        td.b{background:#fdecea}td.a{background:#e8f5e9}
        """

    /// Opens the details list when a cell is clicked; filters it as you type. No network.
    static let js = """
        document.querySelectorAll('td.c a').forEach(a=>a.addEventListener('click',()=>{
          const t=document.getElementById(a.getAttribute('href').slice(1));if(t)t.closest('details').open=true;}));
        document.querySelectorAll('input.find').forEach(i=>i.addEventListener('input',()=>{
          const q=i.value.toLowerCase();i.closest('details').querySelectorAll('dt').forEach(dt=>{
            const show=(dt.textContent+dt.nextElementSibling.textContent).toLowerCase().includes(q);
            dt.style.display=show?'':'none';dt.nextElementSibling.style.display=show?'':'none';});}));
        """
}
