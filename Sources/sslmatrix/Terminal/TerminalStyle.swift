import Foundation

/// How text output is laid out for a terminal: the width to fit and whether to colour.
///
/// Colour only when standard output is a terminal and `NO_COLOR` is unset or empty
/// (https://no-color.org); a pipe, a file or CI log gets plain text.
struct TerminalStyle: Sendable {
    /// Lines are kept within this many columns (the compact form's promise).
    var width: Int
    var colour: Bool
    /// The wide form: every column spelled out, no wrapping.
    var wide: Bool

    static let defaultWidth = 120

    init(width: Int = TerminalStyle.defaultWidth, colour: Bool = false, wide: Bool = false) {
        self.width = width
        self.colour = colour
        self.wide = wide
    }

    /// Plain text within 120 columns: files, pipes, `report`.
    static let plain = TerminalStyle()

    /// The style for standard output of this process.
    static func forStandardOutput(
        wide: Bool, environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> TerminalStyle {
        let tty = isatty(STDOUT_FILENO) == 1
        let noColor = !(environment["NO_COLOR"] ?? "").isEmpty
        return TerminalStyle(colour: tty && !noColor, wide: wide)
    }

    enum Colour: String {
        case green = "32", yellow = "33", red = "31", magenta = "35", dim = "2", bold = "1"
        case alarm = "1;37;41"
    }

    /// `text` wrapped in an SGR sequence when colouring; the visible width is unchanged.
    func paint(_ text: String, _ colour: Colour) -> String {
        self.colour ? "\u{1B}[\(colour.rawValue)m\(text)\u{1B}[0m" : text
    }

    /// Lines cut to the width: long lines continue on the next lines, indented by
    /// `continuation` (the wide form leaves them alone).
    func wrap(_ line: String, continuation: String = "    ") -> [String] {
        guard !wide, Self.visibleWidth(line) > width else { return [line] }
        var out: [String] = []
        var rest = Substring(line)
        var prefix = ""
        while !rest.isEmpty {
            let room = max(20, width - prefix.count)
            if rest.count <= room {
                out.append(prefix + rest)
                break
            }
            // Break at the last space within the room when there is one past a quarter of it.
            let limit = rest.index(rest.startIndex, offsetBy: room)
            var cut = limit
            if let space = rest[..<limit].lastIndex(of: " "), rest.distance(from: rest.startIndex, to: space) > room / 4
            {
                cut = space
            }
            out.append(prefix + rest[..<cut])
            rest = rest[cut...].drop { $0 == " " }
            prefix = continuation
        }
        return out
    }

    /// Every line of `text` wrapped.
    func wrapAll(_ text: String, continuation: String = "    ") -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false)
            .flatMap { wrap(String($0), continuation: continuation) }.joined(separator: "\n")
    }

    /// Columns a line takes on screen: characters, without SGR escape sequences.
    static func visibleWidth(_ s: String) -> Int {
        var n = 0
        var inEscape = false
        for c in s.unicodeScalars {
            if inEscape {
                if c == "m" { inEscape = false }
            } else if c == "\u{1B}" {
                inEscape = true
            } else {
                n += 1
            }
        }
        return n
    }
}
