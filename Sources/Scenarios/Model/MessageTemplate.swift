import ClusterKit
import Foundation

/// Exact message text with `{name}` placeholders for values that vary per run
/// (`{port}`, `{rootcert}`, `{sslkey}`, `{home}`, `{socket}`, `{hba_file}`, `{server_key}`).
/// Values known at prediction time (user, database, host names) are already substituted.
public struct MessageTemplate: Sendable, Hashable, Codable, CustomStringConvertible, ExpressibleByStringLiteral {
    public var text: String

    public init(_ text: String) { self.text = text }
    public init(stringLiteral value: String) { self.text = value }

    public var description: String { text }

    /// Replace the placeholders found in `values`; others stay as `{name}`. One pass over the
    /// text: a value is inserted as it is, never searched for placeholders itself, and a
    /// placeholder inside `{one_of:...}` alternatives is filled like any other.
    public func filling(_ values: [String: String]) -> MessageTemplate {
        guard !values.isEmpty, text.utf8.contains(UInt8(ascii: "{")) else { return self }
        var out = ""
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{") {
            out += rest[..<open]
            let after = rest.index(after: open)
            if let close = rest[after...].firstIndex(where: { $0 == "}" || $0 == "{" }), rest[close] == "}",
                let value = values[String(rest[after..<close])]
            {
                out += value
                rest = rest[rest.index(after: close)...]
            } else {
                out += "{"
                rest = rest[after...]
            }
        }
        out += rest
        return MessageTemplate(out)
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
        TextSearch.search(regex, in: actual)
    }

    public static func + (a: MessageTemplate, b: MessageTemplate) -> MessageTemplate {
        MessageTemplate(a.text + b.text)
    }
}
