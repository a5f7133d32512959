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

    /// The system user name is literal text (a DN has blanks, commas, '='), so it is quoted
    /// as pg_ident.conf needs (`ConfigGrammar.hbaQuoted`); the map and database user are tokens.
    public var line: String {
        [map, ConfigGrammar.hbaQuoted(systemUser), databaseUser].joined(separator: "\t")
    }

    /// No field may add a field or a line: a newline in `databaseUser` must not become a
    /// second mapping (for example one sending every name to the superuser).
    public func validate() throws {
        try ConfigGrammar.checkHBAToken(map, file: .ident, field: "map")
        try ConfigGrammar.checkNoControlCharacters(systemUser, file: .ident, field: "system_user")
        if systemUser.isEmpty || systemUser.utf8.count > ConfigGrammar.maxTokenBytes {
            throw ClusterKitError.unsafeConfigValue(
                file: "pg_ident.conf", field: "system_user", value: systemUser, reason: "it is empty or too long")
        }
        try ConfigGrammar.checkHBAToken(databaseUser, file: .ident, field: "database_user")
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
