import ClusterKit
import Foundation
import Testing

/// A template prepared with SQL: clusters copied from it have what the SQL made the moment
/// they start, and SQL that fails is an error naming the server's complaint, not a cluster
/// without the roles.
@Suite("Prepared templates", .tags(.liveServer))
struct PreparedTemplateTests {
    @Test("a role from the prepared template exists at start; the plain template stays plain")
    func rolesAtStart() async throws {
        let sql = "CREATE ROLE prepared_login LOGIN PASSWORD 'pw'; CREATE ROLE prepared_other LOGIN;"
        try await Cluster.with { plain in
            try await Cluster.with(prepared: [sql]) { prepared in
                try await prepared.start()
                try await plain.start()
                let query =
                    "SELECT string_agg(rolname, ',' ORDER BY rolname) FROM pg_roles WHERE rolname LIKE 'prepared%'"
                #expect(try await prepared.queryValue(query) == "prepared_login,prepared_other")
                #expect(try await plain.queryValue(query) == nil)
                let stored = try await prepared.queryValue(
                    "SELECT left(rolpassword, 14) FROM pg_authid WHERE rolname = 'prepared_login'")
                #expect(stored == "SCRAM-SHA-256$")
            }
        }
    }

    @Test("databases and multi-statement entries: CREATE DATABASE gets an entry of its own, literals keep newlines")
    func databasesAndEntries() async throws {
        let statements = [
            "CREATE ROLE prepared_owner LOGIN;\nCOMMENT ON ROLE prepared_owner IS 'line one\nline two';",
            "CREATE DATABASE prepared_db OWNER prepared_owner TEMPLATE postgres",
        ]
        try await Cluster.with(prepared: statements) { prepared in
            try await prepared.start()
            #expect(
                try await prepared.queryValue(
                    "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'prepared_db'") == "prepared_owner"
            )
            #expect(
                try await prepared.queryValue(
                    "SELECT shobj_description(oid, 'pg_authid') FROM pg_roles WHERE rolname = 'prepared_owner'")
                    == "line one\nline two")
        }
    }

    @Test("SQL that fails in the template is an error with the server's message")
    func failingSQL() async throws {
        await #expect {
            _ = try await Cluster.create(prepared: ["CREATE ROLE;"])
        } throws: { error in
            guard case .sqlFailed(_, let message)? = error as? ClusterKitError else { return false }
            return message.contains("syntax error")
        }
    }
}
