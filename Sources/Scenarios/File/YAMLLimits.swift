import Foundation
import Yams

/// Limits a scenario file must stay within before and after the YAML parser sees it.
///
/// The YAML composer recurses once per nesting level, so 5,000 nested brackets crashed the
/// process (stack overflow) before any error could be printed, and aliases can make a small
/// file expand into billions of nodes. No scenario needs more than a few levels; these limits
/// are far above that and far below what hurts, and each refusal names its line.
enum YAMLLimits {
    static let maxBytes = 1 << 20
    static let maxDepth = 64
    static let maxIndentation = 256
    static let maxNodes = 100_000

    /// A conservative scan of the raw text, before the composer runs: flow brackets outside
    /// quotes and comments, `- ` entries opened on one line, and indentation. It may count a
    /// bracket inside a plain word, so it only ever over-estimates the depth.
    static func checkText(_ text: String, file: String) throws {
        let size = text.utf8.count
        if size > maxBytes {
            throw ScenarioFileError.limitExceeded(
                file: file, line: 1, what: "the file size (\(size) bytes)", limit: "\(maxBytes) bytes")
        }
        var flow = 0
        var line = 1
        var quote: Character? = nil
        var previous: Character = "\n"
        var atLineStart = true
        var indentation = 0
        var dashes = 0
        var chars = Array(text)[...]
        while let ch = chars.popFirst() {
            defer { if ch != " " || !atLineStart { previous = ch } }
            if ch == "\n" {
                line += 1
                atLineStart = true
                indentation = 0
                dashes = 0
                if quote == "'" || quote == "\"" { continue }
                continue
            }
            if let q = quote {
                if q == "\"" && ch == "\\" {
                    _ = chars.popFirst()
                } else if ch == q {
                    if q == "'" && chars.first == "'" { _ = chars.popFirst() } else { quote = nil }
                }
                continue
            }
            if atLineStart {
                if ch == " " {
                    indentation += 1
                    if indentation > maxIndentation {
                        throw ScenarioFileError.limitExceeded(
                            file: file, line: line, what: "the indentation", limit: "\(maxIndentation) columns")
                    }
                    continue
                }
                if (ch == "-" || ch == "?") && (chars.first == " " || chars.first == nil) {
                    dashes += 1
                    if dashes > maxDepth {
                        throw ScenarioFileError.limitExceeded(
                            file: file, line: line, what: "the nesting of list entries", limit: "\(maxDepth) levels")
                    }
                    continue
                }
                atLineStart = false
            }
            switch ch {
            case "#" where previous == " " || previous == "\n" || previous == "\t":
                while let next = chars.first, next != "\n" { chars.removeFirst() }
            case "'",
                "\"" where "[{,:-\n \t".contains(previous):
                quote = ch
            case "[", "{":
                flow += 1
                if flow > maxDepth {
                    throw ScenarioFileError.limitExceeded(
                        file: file, line: line, what: "the nesting of brackets", limit: "\(maxDepth) levels")
                }
            case "]", "}":
                flow = max(0, flow - 1)
            default:
                break
            }
        }
    }

    /// The composed tree, walked without recursion: depth and node count (aliases count
    /// every time they are used, which is what an expansion would cost).
    static func checkTree(_ root: Node, file: String) throws {
        var stack: [(Node, Int)] = [(root, 1)]
        var count = 0
        while let (node, depth) = stack.popLast() {
            count += 1
            let line = node.mark?.line ?? 1
            if count > maxNodes {
                throw ScenarioFileError.limitExceeded(
                    file: file, line: line, what: "the number of values (aliases included)", limit: "\(maxNodes)")
            }
            if depth > maxDepth {
                throw ScenarioFileError.limitExceeded(
                    file: file, line: line, what: "the nesting", limit: "\(maxDepth) levels")
            }
            switch node {
            case .mapping(let m):
                for (key, value) in m {
                    stack.append((key, depth + 1))
                    stack.append((value, depth + 1))
                }
            case .sequence(let s):
                for item in s { stack.append((item, depth + 1)) }
            default:
                break
            }
        }
    }
}
