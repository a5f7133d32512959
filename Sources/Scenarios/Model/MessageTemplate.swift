import Foundation

/// Exact message text with `{name}` placeholders for values that vary per run
/// (`{port}`, `{rootcert}`, `{sslkey}`, `{home}`, `{socket}`, `{hba_file}`, `{server_key}`).
/// Values known at prediction time (user, database, host names) are already substituted.
public struct MessageTemplate: Sendable, Hashable, Codable, CustomStringConvertible, ExpressibleByStringLiteral {
    public var text: String

    public init(_ text: String) { self.text = text }
    public init(stringLiteral value: String) { self.text = value }

    public var description: String { text }

    /// Replace the placeholders found in `values`; others stay as `{name}`.
    ///
    /// Only the names that occur in the text are looked up: a run passes every value it has
    /// (one per certificate serial of the group, dozens), and a search per value per template
    /// was a tenth of a matrix run's CPU.
    public func filling(_ values: [String: String]) -> MessageTemplate {
        var out = text
        for name in placeholderNames {
            if let v = values[name] { out = out.replacingOccurrences(of: "{\(name)}", with: v) }
        }
        return MessageTemplate(out)
    }

    /// Every `NAME` in a `{NAME}` of the text, innermost braces (a placeholder may sit inside
    /// a `{one_of:...}`), each once, in order.
    var placeholderNames: [String] {
        var names: [String] = []
        for segment in text.split(separator: "{", omittingEmptySubsequences: false).dropFirst() {
            guard let close = segment.firstIndex(of: "}") else { continue }
            let name = String(segment[..<close])
            if !names.contains(name) { names.append(name) }
        }
        return names
    }

    /// The text with run values substituted.
    public func rendered(_ values: [String: String]) -> String { filling(values).text }

    /// `{one_of:a|b}`: OpenSSL sometimes has two outcomes for one cause, decided by random
    /// bytes (a wrong passphrase on a PKCS#8 key fails the CBC padding check, "bad decrypt",
    /// except when the garbage happens to end in valid padding, ~1 in 256, and the decoder
    /// fails instead). Such a template names exactly the alternatives it accepts; an empty
    /// alternative means "or nothing" (libpq 14 appends a second line only when a race goes
    /// one way).
    public static func oneOf(_ alternatives: [String]) -> String {
        "{one_of:" + alternatives.joined(separator: "|") + "}"
    }

    /// Names of the placeholders still present (`one_of` for alternatives).
    public var placeholders: [String] {
        var names: [String] = []
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            let name = rest[rest.index(after: open)..<close]
            if name.hasPrefix("one_of:") { names.append("one_of") }
            if !name.isEmpty, name.allSatisfy({ $0.isLetter || $0 == "_" }) { names.append(String(name)) }
            rest = rest[rest.index(after: close)...]
        }
        return names
    }

    /// An anchored regular expression (NSRegularExpression syntax) matching the text with any
    /// values in the placeholders: `{port}` matches digits, other placeholders any run of characters.
    public var regex: String {
        var pattern = ""
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            pattern += NSRegularExpression.escapedPattern(for: String(rest[..<open]))
            let name = rest[rest.index(after: open)..<close]
            if name.hasPrefix("one_of:") {
                let alternatives = name.dropFirst("one_of:".count).split(
                    separator: "|", omittingEmptySubsequences: false
                ).map {
                    NSRegularExpression.escapedPattern(for: String($0))
                }
                pattern += "(?:" + alternatives.joined(separator: "|") + ")"
            } else if !name.isEmpty, name.allSatisfy({ $0.isLetter || $0 == "_" }) {
                pattern += name == "port" ? "[0-9]+" : ".*?"
            } else {
                pattern += NSRegularExpression.escapedPattern(for: String(rest[open...close]))
            }
            rest = rest[rest.index(after: close)...]
        }
        pattern += NSRegularExpression.escapedPattern(for: String(rest))
        return "^" + pattern + "$"
    }

    /// Whether `actual` matches this template.
    public func matches(_ actual: String) -> Bool {
        guard let re = try? NSRegularExpression(pattern: regex, options: [.dotMatchesLineSeparators]) else {
            return false
        }
        return re.firstMatch(in: actual, range: NSRange(actual.startIndex..., in: actual)) != nil
    }

    public static func + (a: MessageTemplate, b: MessageTemplate) -> MessageTemplate {
        MessageTemplate(a.text + b.text)
    }
}
