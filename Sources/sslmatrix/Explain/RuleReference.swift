import Foundation

/// One step of the model's rule trace, split into what the rule says and where it comes
/// from (the trailing parenthesis naming a libpq/backend source file or the documentation).
struct RuleReference: Sendable, Equatable {
    var text: String
    var source: String?

    init(_ rule: String) {
        let trimmed = rule.trimmingCharacters(in: .whitespaces)
        if trimmed.hasSuffix(")"), let open = Self.openingParenthesis(of: trimmed) {
            let inside = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
            if Self.looksLikeSource(inside) {
                text = trimmed[..<open].trimmingCharacters(in: .whitespaces)
                source = inside
                return
            }
        }
        text = trimmed
        source = nil
    }

    /// The "(" that matches the final ")".
    static func openingParenthesis(of s: String) -> String.Index? {
        var depth = 0
        var i = s.endIndex
        while i > s.startIndex {
            i = s.index(before: i)
            if s[i] == ")" { depth += 1 }
            if s[i] == "(" {
                depth -= 1
                if depth == 0 { return i }
            }
        }
        return nil
    }

    /// Source references name a C file, the docs, a function or a PostgreSQL version.
    static func looksLikeSource(_ s: String) -> Bool {
        s.contains(".c") || s.contains(".h") || s.contains("docs") || s.contains("PostgreSQL")
            || s.contains("RFC") || s.contains("OpenSSL") || s.contains("libpq") || s.contains("_")
    }
}
