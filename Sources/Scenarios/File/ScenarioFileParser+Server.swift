import ClusterKit
import Foundation

/// The `server` section: postgresql.conf settings, pg_hba and pg_ident lines, roles and
/// extensions.
struct ParsedServer {
    var settings = ServerSettings()
    var hba: [HBARule] = []
    var ident: [IdentMapEntry] = []
    var roles: [RoleSpec] = []
    var extensions: [String] = []
    /// Databases to create (the cases connect to them with `dbname`).
    var databases: [String] = []
    /// PKI files the settings name (`pki:NAME`): owned by the server account by default.
    var referencedFiles: Set<String> = []
}

extension ScenarioFileParser {
    static let serverKeys = ["settings", "hba", "ident", "roles", "extensions", "databases"]
    static let hbaKeys = ["type", "database", "user", "address", "method", "options"]
    static let identKeys = ["map", "system_user", "database_user"]
    static let roleKeys = ["name", "password", "password_encryption"]

    func parseServer(_ c: YAMLCursor, pki: ParsedPKI) throws -> ParsedServer {
        let m = try c.mapping(allowed: Self.serverKeys)
        var server = ParsedServer()
        for (name, value) in try m["settings"]?.freeMapping() ?? [] {
            guard ServerSettings.isValidName(name) else {
                throw value.invalid(
                    name,
                    expected:
                        "a postgresql.conf parameter name (a letter or '_' first, then letters, digits, underscores; one '.' for an extension's)"
                )
            }
            if ConfigGrammar.isReservedSetting(name) {
                throw ScenarioFileError.conflict(
                    file: file, line: value.line,
                    reason:
                        "'\(name)' is set by the harness (it must reach its own throwaway server); remove it from settings."
                )
            }
            if server.settings.entries.contains(where: { $0.name.lowercased() == name.lowercased() }) {
                throw ScenarioFileError.duplicateKey(
                    file: file, line: value.line, key: name, context: "'\(c.path).settings' (names ignore case)")
            }
            let parsed = try settingValue(value, pki: pki, referenced: &server.referencedFiles)
            try value.checkedForServer { try ServerSettings([(name, parsed)]).validate() }
            server.settings[name] = parsed
        }
        server.hba = try (m["hba"]?.list() ?? []).map { c in
            let rule = try parseHBA(c)
            try c.checkedForServer { try rule.validate() }
            return rule
        }
        server.ident = try (m["ident"]?.list() ?? []).map { c in
            let entry = try parseIdent(c)
            try c.checkedForServer { try entry.validate() }
            return entry
        }
        var roleNames: Set<String> = []
        for item in try m["roles"]?.list() ?? [] {
            let role = try parseRole(item)
            try checkRole(role, at: item)
            if !roleNames.insert(role.name).inserted {
                throw ScenarioFileError.duplicateName(file: file, line: item.line, kind: "role", name: role.name)
            }
            server.roles.append(role)
        }
        for item in try m["extensions"]?.list() ?? [] {
            let name = try item.nonEmptyString()
            guard name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }), name.count <= 63 else {
                throw item.invalid(name, expected: "an extension name such as sslinfo")
            }
            server.extensions.append(name)
        }
        for item in try m["databases"]?.list() ?? [] {
            let name = try item.nonEmptyString()
            try checkDatabase(name, at: item)
            if server.databases.contains(name) {
                throw ScenarioFileError.duplicateName(file: file, line: item.line, kind: "database", name: name)
            }
            server.databases.append(name)
        }
        return server
    }

    /// true/false/on/off become booleans, whole numbers integers, `pki:NAME` the absolute
    /// path of a PKI file; everything else is a quoted string, as postgresql.conf allows.
    private func settingValue(
        _ c: YAMLCursor, pki: ParsedPKI, referenced: inout Set<String>
    ) throws -> ServerSettings.Value {
        guard case .scalar(let s) = c.node else { throw c.wrongType("a single value") }
        if s.style == .plain {
            if let b = Bool.construct(from: s) { return .bool(b) }
            if let i = Int(s.string) { return .int(i) }
        }
        if s.string.hasPrefix("pki:") {
            let name = String(s.string.dropFirst(4))
            guard pki.fileNames.contains(name) else {
                throw ScenarioFileError.undefinedName(
                    file: file, line: c.line, kind: "pki file", name: name, defined: pki.fileNames)
            }
            referenced.insert(name)
            return .string("{files}/\(name)")
        }
        return .string(s.string)
    }

    /// `hostssl all all all cert clientcert=verify-full`, or the same as a mapping. Only the
    /// shape is checked: methods and options are PostgreSQL's to judge (a file may want to
    /// see the server refuse a line).
    private func parseHBA(_ c: YAMLCursor) throws -> HBARule {
        let types = HBARule.ConnectionType.allCases.map(\.rawValue)
        if case .scalar = c.node {
            let text = try c.nonEmptyString()
            try c.checkedForServer { try ConfigGrammar.checkNoControlCharacters(text, file: .hba, field: "line") }
            let fields = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard let type = HBARule.ConnectionType(rawValue: fields[0]) else {
                throw c.invalid(fields[0], expected: "a pg_hba.conf connection type: " + types.joined(separator: ", "))
            }
            let fixed = type == .local ? 4 : 5
            guard fields.count >= fixed else {
                throw c.invalid(
                    text,
                    expected: type == .local
                        ? "local DATABASE USER METHOD [OPTION=VALUE...]"
                        : "\(type.rawValue) DATABASE USER ADDRESS METHOD [OPTION=VALUE...]")
            }
            var options: [HBARule.Option] = []
            for option in fields[fixed...] {
                guard let eq = option.firstIndex(of: "="), eq != option.startIndex else {
                    throw c.invalid(
                        option,
                        expected:
                            "options as NAME=VALUE after the method (a netmask is not supported: use CIDR, 10.0.0.0/8)")
                }
                options.append(.init(String(option[..<eq]), String(option[option.index(after: eq)...])))
            }
            return HBARule(
                type, database: fields[1], user: fields[2], address: type == .local ? nil : fields[3],
                method: fields[fixed - 1], options: options)
        }
        let m = try c.mapping(allowed: Self.hbaKeys, required: ["type", "method"])
        let type = HBARule.ConnectionType(rawValue: try m.required("type").word(types))!
        var options: [HBARule.Option] = []
        for (name, value) in try m["options"]?.freeMapping() ?? [] { options.append(.init(name, try value.string())) }
        return HBARule(
            type, database: try m["database"]?.nonEmptyString() ?? "all",
            user: try m["user"]?.nonEmptyString() ?? "all",
            address: try m["address"]?.nonEmptyString() ?? "all", method: try m.required("method").nonEmptyString(),
            options: options)
    }

    /// `certmap "/^(.*)@example\.com$" \1` (double quotes as in pg_ident.conf), or a mapping.
    private func parseIdent(_ c: YAMLCursor) throws -> IdentMapEntry {
        if case .scalar = c.node {
            let text = try c.nonEmptyString()
            try c.checkedForServer { try ConfigGrammar.checkNoControlCharacters(text, file: .ident, field: "line") }
            guard let fields = Self.identFields(text), fields.count == 3 else {
                throw c.invalid(
                    text,
                    expected: "MAPNAME SYSTEM-USERNAME DATABASE-USERNAME (quote a name with spaces in double quotes)")
            }
            return IdentMapEntry(map: fields[0], systemUser: fields[1], databaseUser: fields[2])
        }
        let m = try c.mapping(allowed: Self.identKeys, required: Self.identKeys)
        return IdentMapEntry(
            map: try m.required("map").nonEmptyString(), systemUser: try m.required("system_user").nonEmptyString(),
            databaseUser: try m.required("database_user").nonEmptyString())
    }

    /// Splits on blanks; "double quoted" fields keep their blanks ("" is a quote). nil on an
    /// unterminated quote.
    static func identFields(_ text: String) -> [String]? {
        var fields: [String] = []
        var current = ""
        var inQuotes = false
        var hasField = false
        var chars = Array(text)[...]
        while let ch = chars.popFirst() {
            if inQuotes {
                if ch == "\"" {
                    if chars.first == "\"" { current.append("\""); chars.removeFirst() } else { inQuotes = false }
                } else {
                    current.append(ch)
                }
            } else if ch == "\"" {
                inQuotes = true
                hasField = true
            } else if ch == " " || ch == "\t" {
                if hasField { fields.append(current); current = ""; hasField = false }
            } else {
                current.append(ch)
                hasField = true
            }
        }
        if inQuotes { return nil }
        if hasField { fields.append(current) }
        return fields
    }

    /// `alice` (a role without password) or `{name, password, password_encryption}`.
    private func parseRole(_ c: YAMLCursor) throws -> RoleSpec {
        if case .scalar = c.node { return RoleSpec(name: try c.nonEmptyString(), password: nil) }
        let m = try c.mapping(allowed: Self.roleKeys, required: ["name"])
        return RoleSpec(
            name: try m.required("name").nonEmptyString(), password: try m["password"]?.string(),
            passwordEncryption: try m["password_encryption"]?.word(["scram-sha-256", "md5"]) ?? "scram-sha-256")
    }
}
