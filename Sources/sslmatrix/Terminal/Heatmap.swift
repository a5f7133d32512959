import Scenarios

/// A compact heatmap: one character per case, rows and columns named by what varies.
///
/// Results are placed by four keys: the panel (drawn side by side while they fit the width),
/// the row, the column group (a header over its columns) and the column (one character,
/// explained in the legend below). Every key is derived from a result, so the same spec
/// draws a filtered run or a whole one.
struct Heatmap {
    var title: String
    var include: (CaseResult) -> Bool
    var panel: (CaseResult) -> String
    var row: (CaseResult) -> String
    var group: (CaseResult) -> String
    var column: (CaseResult) -> String
    /// What the groups and columns are, for the legend ("client trust", "sslmode").
    var groupName: String
    var columnName: String
    /// Fixed one-character codes for known column values; others get one derived from their text.
    var columnCodes: [String: Character] = [:]

    static let sslModeCodes: [String: Character] = [
        "disable": "d", "allow": "a", "prefer": "p", "require": "r", "verify-ca": "c", "verify-full": "f",
    ]

    /// The symbol of a result: E/P/R/X/s/?, `!` where model and reality disagree (when judged).
    static func symbol(_ r: CaseResult, judged: Bool) -> Character {
        if judged && (r.verdict == .disagree || r.verdict == .error) { return "!" }
        switch r.observed?.kind {
        case .accepted?: return r.observed?.encrypted == true ? "E" : "P"
        case .rejected?: return "R"
        case .serverDidNotStart?: return "X"
        case .notAttempted?, nil: return r.verdict == .skipped ? "s" : "?"
        }
    }

    static func paint(_ c: Character, _ style: TerminalStyle) -> String {
        let s = String(c)
        switch c {
        case "E": return style.paint(s, .green)
        case "P": return style.paint(s, .yellow)
        case "R", "s", "·": return style.paint(s, .dim)
        case "X": return style.paint(s, .magenta)
        case "!", "?": return style.paint(s, .alarm)
        default: return s
        }
    }

    /// The heatmap's lines, or nothing when no result belongs to it.
    func render(_ results: [CaseResult], judged: Bool, style: TerminalStyle) -> [String] {
        let mine = results.filter(include)
        guard !mine.isEmpty else { return [] }
        let panels = Self.ordered(mine.map(panel))
        let rows = Self.ordered(mine.map(row))
        let groups = Self.ordered(mine.map(group))
        // Every group shows the same columns, so a column reads the same under each header.
        let allColumns = Self.ordered(mine.map(column))
        var columnsOf: [String: [String]] = [:]
        for g in groups { columnsOf[g] = allColumns }
        let codes = Self.codes(for: allColumns, fixed: columnCodes)

        // panel -> row -> group -> column -> symbol; a disagreement wins a shared cell.
        var cells: [String: [String: [String: [String: Character]]]] = [:]
        for r in mine {
            let s = Self.symbol(r, judged: judged)
            let (p, rw, g, c) = (panel(r), row(r), group(r), column(r))
            if cells[p]?[rw]?[g]?[c] == "!" { continue }
            cells[p, default: [:]][rw, default: [:]][g, default: [:]][c] = s
        }

        let labelWidth = min(32, rows.map(\.count).max() ?? 0)
        let groupWidths = groups.map { columnsOf[$0]!.count }
        let cellsWidth = groupWidths.reduce(0, +) + max(0, groups.count - 1)
        // A panel is as wide as its cells, or its title when that is longer (up to 40 columns).
        let panelWidth = max(cellsWidth, min(40, panels.map(\.count).max() ?? 0))
        // Group headers: names when every one fits over its columns, else numbers and a legend.
        let namesFit = zip(groups, groupWidths).allSatisfy { $0.count <= $1 }
        let groupLabels = groups.enumerated().map { i, g in namesFit ? g : String(i + 1) }
        let gap = "   "
        let perBand = max(1, (style.width - labelWidth - 1 + gap.count) / (panelWidth + gap.count))
        let panelsPerBand = style.wide ? panels.count : perBand

        var out = ["== \(title) =="]
        for band in stride(from: 0, to: panels.count, by: panelsPerBand) {
            let bandPanels = Array(panels[band..<min(panels.count, band + panelsPerBand)])
            let lead = Self.pad("", labelWidth) + " "
            out.append("")
            if bandPanels.contains(where: { !$0.isEmpty }) {
                out.append(
                    (lead + bandPanels.map { Self.pad(Self.cut($0, panelWidth), panelWidth) }.joined(separator: gap))
                        .trimmingTrailingSpaces)
            }
            if groups.count > 1 || !groups[0].isEmpty {
                let header = zip(groupLabels, groupWidths).map { Self.pad(Self.cut($0, $1), $1) }.joined(separator: " ")
                out.append(
                    (lead
                        + Array(repeating: Self.pad(header, panelWidth), count: bandPanels.count)
                        .joined(separator: gap)).trimmingTrailingSpaces)
            }
            let codeLine = groups.map { g in String(columnsOf[g]!.map { codes[$0]! }) }.joined(separator: " ")
            out.append(
                (lead + Array(repeating: Self.pad(codeLine, panelWidth), count: bandPanels.count).joined(separator: gap))
                    .trimmingTrailingSpaces)
            for rw in rows {
                let filler = String(repeating: " ", count: panelWidth - cellsWidth)
                let line = bandPanels.map { p in
                    groups.map { g in
                        columnsOf[g]!.map { c in Self.paint(cells[p]?[rw]?[g]?[c] ?? "·", style) }.joined()
                    }.joined(separator: " ") + filler
                }.joined(separator: gap)
                out.append((Self.pad(Self.cut(rw, labelWidth), labelWidth) + " " + line).trimmingTrailingSpaces)
            }
        }
        out.append("")
        out.append(
            contentsOf: style.wrap(
                "\(columnName): " + allColumns.map { "\(codes[$0]!) \($0)" }.joined(separator: ", "),
                continuation: "  "))
        if !namesFit {
            out.append(
                contentsOf: style.wrap(
                    "\(groupName): " + groups.enumerated().map { "\($0 + 1) \($1)" }.joined(separator: ", "),
                    continuation: "  "))
        }
        return out
    }

    /// Distinct values in order of first appearance.
    static func ordered(_ values: [String]) -> [String] {
        var seen = Set<String>()
        return values.filter { seen.insert($0).inserted }
    }

    /// One distinct character per value: the fixed code, else the first letter or digit of the
    /// value not taken yet, else a spare one.
    static func codes(for values: [String], fixed: [String: Character]) -> [String: Character] {
        var taken = Set(values.compactMap { fixed[$0] })
        var out: [String: Character] = [:]
        for v in values {
            if let f = fixed[v] {
                out[v] = f
                continue
            }
            let candidates =
                v.lowercased().filter { $0.isLetter || $0.isNumber } + "123456789abcdefghijklmnopqrstuvwxyz"
            let c = candidates.first { !taken.contains($0) } ?? "#"
            taken.insert(c)
            out[v] = c
        }
        return out
    }

    static func pad(_ s: String, _ n: Int) -> String {
        s.count >= n ? s : s + String(repeating: " ", count: n - s.count)
    }

    static func cut(_ s: String, _ n: Int) -> String {
        s.count <= n ? s : String(s.prefix(max(0, n - 1))) + "…"
    }
}

extension String {
    var trimmingTrailingSpaces: String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
