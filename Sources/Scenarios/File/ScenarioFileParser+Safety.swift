import ClusterKit
import Foundation

/// Checks that keep a scenario file meaning what it says once written into server files and
/// SQL: the same rules ClusterKit enforces when writing (`ConfigGrammar`, `SQLQuoting`),
/// applied while reading so the problem is reported at its line before anything starts.
extension YAMLCursor {
    /// Runs a ClusterKit check and reports its refusal at this node's line.
    func checkedForServer(_ check: () throws -> Void) throws {
        do {
            try check()
        } catch let error as ClusterKitError {
            throw ScenarioFileError.unsafeValue(file: file, line: line, context: "'\(path)'", reason: error.description)
        }
    }

    /// A whole number within `range`; a number that does not fit in 64 bits is out of range too.
    func int(in range: ClosedRange<Int>) throws -> Int {
        guard case .scalar(let s) = node else { throw wrongType("a whole number") }
        let text = s.string.trimmingCharacters(in: .whitespaces)
        let digits = text.hasPrefix("-") || text.hasPrefix("+") ? text.dropFirst() : Substring(text)
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber) else {
            throw wrongType("a whole number")
        }
        guard let value = Int(text), range.contains(value) else {
            throw ScenarioFileError.outOfRange(
                file: file, line: line, context: "'\(path)'", value: ConfigGrammar.escaped(text),
                range: "\(range.lowerBound)...\(range.upperBound)")
        }
        return value
    }
}

extension ScenarioFileParser {
    /// Role names the server or the harness keeps: the harness superuser, `public`/`none`
    /// and the SQL keywords that name the current role, and the `pg_` prefix.
    static let reservedRoleNames: Set<String> = [
        "postgres", "public", "none", "current_user", "session_user", "current_role",
    ]

    func checkRole(_ role: RoleSpec, at c: YAMLCursor) throws {
        try c.checkedForServer {
            _ = try SQLQuoting.identifier(role.name, what: "role name")
            if let password = role.password { _ = try SQLQuoting.literal(password, what: "password") }
            try ConfigGrammar.checkNoControlCharacters(role.name, file: .hba, field: "role name")
        }
        let lower = role.name.lowercased()
        if Self.reservedRoleNames.contains(lower) || lower == Cluster.adminUser.lowercased() {
            throw ScenarioFileError.reservedName(
                file: file, line: c.line, kind: "role", name: role.name,
                reason: "it is the harness superuser or a name PostgreSQL reserves")
        }
        if lower.hasPrefix("pg_") {
            throw ScenarioFileError.reservedName(
                file: file, line: c.line, kind: "role", name: role.name,
                reason: "names starting with pg_ are reserved for PostgreSQL's own roles")
        }
    }

    /// A database the cluster creates (`server.databases`): quoted like a role name, and
    /// never one initdb made (the file's cases may connect to those, not create them).
    func checkDatabase(_ name: String, at c: YAMLCursor) throws {
        try c.checkedForServer {
            _ = try SQLQuoting.identifier(name, what: "database name")
            try ConfigGrammar.checkNoControlCharacters(name, file: .hba, field: "database name")
        }
        if ["postgres", "template0", "template1"].contains(name.lowercased()) {
            throw ScenarioFileError.reservedName(
                file: file, line: c.line, kind: "database", name: name,
                reason: "initdb creates it already; connect to it without listing it")
        }
        if ["all", "sameuser", "samerole", "samegroup", "replication"].contains(name) {
            throw ScenarioFileError.reservedName(
                file: file, line: c.line, kind: "database", name: name,
                reason: "pg_hba.conf reads it as a keyword, so no hba line could name this database")
        }
    }
}
