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

    /// The terminal form within `maxWidth` columns: the widest columns are narrowed until the
    /// table fits, and their cells wrap onto more lines (words kept whole where they fit).
    func terminal(maxWidth: Int) -> String {
        var widths = headers.indices.map { i in
            ([headers[i]] + rows.map { i < $0.count ? $0[i] : "" }).map(\.count).max() ?? 0
        }
        let budget = maxWidth - 2 - 2 * max(0, widths.count - 1)
        while widths.reduce(0, +) > budget, let widest = widths.indices.max(by: { widths[$0] < widths[$1] }),
            widths[widest] > 12
        {
            widths[widest] -= 1
        }
        func lines(_ cells: [String]) -> [String] {
            let wrapped = widths.indices.map { i in Self.wrap(i < cells.count ? cells[i] : "", widths[i]) }
            let height = wrapped.map(\.count).max() ?? 1
            return (0..<height).map { row in
                wrapped.enumerated().map { i, cell in
                    let text = row < cell.count ? cell[row] : ""
                    return i == wrapped.count - 1
                        ? text : text.padding(toLength: widths[i], withPad: " ", startingAt: 0)
                }
                .joined(separator: "  ").trimmingTrailingSpaces
            }
        }
        return
            (lines(headers) + [widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")]
            + rows.flatMap(lines)).map { "  " + $0 }.joined(separator: "\n")
    }

    /// `text` in lines of at most `width` characters, broken at spaces where possible.
    static func wrap(_ text: String, _ width: Int) -> [String] {
        var out: [String] = []
        var rest = Substring(text)
        while rest.count > width {
            let limit = rest.index(rest.startIndex, offsetBy: width)
            var cut = limit
            if let space = rest[...limit].lastIndex(of: " "), space > rest.startIndex { cut = space }
            out.append(String(rest[..<cut]))
            rest = rest[cut...].drop { $0 == " " }
        }
        out.append(String(rest))
        return out
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
