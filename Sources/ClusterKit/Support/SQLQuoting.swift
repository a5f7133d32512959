import Foundation

/// The one place SQL identifiers and literals are quoted.
///
/// Everything the harness sends as SQL with a name or value in it (roles, passwords,
/// extensions, databases) goes through here, so a name with a quote, a backslash or a
/// keyword in it stays that name. What SQL cannot carry faithfully is refused instead of
/// altered: a NUL (the protocol's string terminator) and, for identifiers, names longer than
/// NAMEDATALEN - 1 bytes, which the server would silently truncate into another name.
public enum SQLQuoting {
    /// NAMEDATALEN (64) - 1: the longest identifier PostgreSQL keeps whole.
    public static let maxIdentifierBytes = 63

    /// `"name"` with `""` for a quote, as `quote_ident` always-quoted would give.
    public static func identifier(_ name: String, what: String = "identifier") throws -> String {
        if name.isEmpty { throw ClusterKitError.unsafeSQLValue(what: what, value: name, reason: "it is empty") }
        if name.unicodeScalars.contains("\0") {
            throw ClusterKitError.unsafeSQLValue(what: what, value: name, reason: "it contains a NUL character")
        }
        if name.utf8.count > maxIdentifierBytes {
            throw ClusterKitError.unsafeSQLValue(
                what: what, value: name,
                reason: "it is \(name.utf8.count) bytes long; PostgreSQL would truncate it to \(maxIdentifierBytes)")
        }
        return "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// `'text'` with `''` for a quote; a text with a backslash is written `E'...'` with the
    /// backslash doubled, so the value is the same whatever standard_conforming_strings says.
    public static func literal(_ text: String, what: String = "literal") throws -> String {
        if text.unicodeScalars.contains("\0") {
            throw ClusterKitError.unsafeSQLValue(what: what, value: text, reason: "it contains a NUL character")
        }
        let quoted = text.replacingOccurrences(of: "'", with: "''")
        if text.contains("\\") { return "E'" + quoted.replacingOccurrences(of: "\\", with: "\\\\") + "'" }
        return "'" + quoted + "'"
    }
}
