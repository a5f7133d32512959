import Foundation

/// pg_ident.conf as typed data: map name, system user name (or `/regex`), database user.
public struct IdentMapEntry: Sendable, Hashable, Codable, CustomStringConvertible {
    public var map: String
    /// A certificate's CN/DN or `/^(.*)@example\.com$` style regular expression.
    public var systemUser: String
    /// A role name, or `\1` to use the regex's first capture.
    public var databaseUser: String

    public init(map: String, systemUser: String, databaseUser: String) {
        self.map = map
        self.systemUser = systemUser
        self.databaseUser = databaseUser
    }

    /// System user names with spaces, commas or '=' (a DN) are double-quoted, as pg_ident.conf needs.
    public var line: String {
        func quote(_ s: String) -> String {
            s.contains(where: { $0 == " " || $0 == "," || $0 == "=" || $0 == "#" }) && !s.hasPrefix("\"")
                ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
        }
        return [map, quote(systemUser), databaseUser].joined(separator: "\t")
    }

    public var description: String { line }
}

public struct IdentFile: Sendable, Hashable, Codable {
    public var entries: [IdentMapEntry]
    public init(_ entries: [IdentMapEntry] = []) { self.entries = entries }

    var text: String {
        (["# Written by pg-ssl-matrix: MAPNAME SYSTEM-USERNAME PG-USERNAME"] + entries.map(\.line))
            .joined(separator: "\n") + "\n"
    }
}
