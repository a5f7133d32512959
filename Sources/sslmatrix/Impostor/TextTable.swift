/// A table printed as aligned columns for a terminal or as a Markdown table.
struct TextTable {
    var headers: [String]
    var rows: [[String]]

    var terminal: String {
        let widths = headers.indices.map { i in
            ([headers[i]] + rows.map { i < $0.count ? $0[i] : "" }).map(\.count).max() ?? 0
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, c in
                i == cells.count - 1 ? c : c.padding(toLength: widths[i], withPad: " ", startingAt: 0)
            }
            .joined(separator: "  ")
        }
        return ([line(headers), line(widths.map { String(repeating: "-", count: $0) })] + rows.map(line))
            .map { "  " + $0 }.joined(separator: "\n")
    }

    var markdown: String {
        func esc(_ s: String) -> String {
            s.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: "<br>")
        }
        return
            ([
                "| " + headers.map(esc).joined(separator: " | ") + " |",
                "|" + headers.map { _ in "---" }.joined(separator: "|") + "|",
            ]
            + rows.map { "| " + $0.map(esc).joined(separator: " | ") + " |" }).joined(separator: "\n")
    }
}
