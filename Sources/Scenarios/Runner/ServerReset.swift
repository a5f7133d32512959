import ClusterKit
import Foundation

/// The database state a group needs (roles, extensions), set the same way on a fresh
/// server and on a reused one.
///
/// On a reused server the previous group's state must not leak into the next: a role with
/// the previous group's password (or password storage), an extension the next group does
/// not create, a database. Everything created after initdb has an oid at or above
/// FirstNormalObjectId (16384); initdb's own objects (the bootstrap superuser, predefined
/// pg_* roles, plpgsql, postgres/template0/template1) are below it. `reset` drops the
/// former, so the server is back to what a fresh copy of the template holds, and then
/// runs the same set-up SQL a fresh server gets.
enum ServerReset {
    /// FirstNormalObjectId in PostgreSQL's access/transam.h: the first oid not assigned by initdb.
    static let firstNormalObjectID = 16384

    /// The SQL a fresh server gets after it started: the group's roles and extensions, every
    /// name and password quoted by `SQLQuoting`.
    static func setupSQL(_ group: RunnableGroup) throws -> String {
        var setup = try group.roles.map { try $0.sql() }
        setup += try group.extensions.map {
            "CREATE EXTENSION IF NOT EXISTS \(try SQLQuoting.identifier($0, what: "extension name"));"
        }
        return setup.joined(separator: "\n")
    }

    /// The same with passwords left out: what an error may show (never another role's password).
    static func redactedSetupSQL(_ group: RunnableGroup) -> String {
        (group.roles.map(\.redactedSQL) + group.extensions.map { "CREATE EXTENSION IF NOT EXISTS \($0);" })
            .joined(separator: "\n")
    }

    /// One `CREATE DATABASE` per database: it cannot run inside the implicit transaction of
    /// a multi-statement query. `TEMPLATE postgres` copies the extensions just created there.
    static func databaseSQL(_ group: RunnableGroup) throws -> [String] {
        try group.databases.map {
            "CREATE DATABASE \(try SQLQuoting.identifier($0, what: "database name")) TEMPLATE postgres"
        }
    }

    /// Runs the set-up on a fresh server; a failure reports the redacted statements.
    static func setUp(_ group: RunnableGroup, on cluster: Cluster) async throws {
        let setup = try setupSQL(group)
        do {
            if !setup.isEmpty { try await cluster.query(setup) }
            for statement in try databaseSQL(group) { try await cluster.query(statement) }
        } catch let ClusterKitError.sqlFailed(_, message) {
            throw ClusterKitError.sqlFailed(
                sql: ([redactedSetupSQL(group)] + ((try? databaseSQL(group)) ?? [])).joined(separator: "\n"),
                message: message)
        }
    }

    /// Drops what the previous group created, then sets up `group` as on a fresh server
    /// (blocking: runs on the switch's own admin connection).
    static func reset(on connection: PGConnection, for group: RunnableGroup) throws {
        let databases = try connection.execute(
            "SELECT datname FROM pg_database WHERE oid >= \(firstNormalObjectID) ORDER BY datname"
        ).rows.compactMap { $0[0] }
        for database in databases {
            // DROP DATABASE cannot run inside a transaction block: one statement each.
            _ = try connection.execute("DROP DATABASE \(try SQLQuoting.identifier(database)) WITH (FORCE)")
        }
        let cleanup = """
            DO $reset$
            DECLARE r record;
            BEGIN
              FOR r IN SELECT extname FROM pg_extension WHERE oid >= \(firstNormalObjectID) LOOP
                EXECUTE format('DROP EXTENSION %I CASCADE', r.extname);
              END LOOP;
              FOR r IN SELECT rolname FROM pg_authid WHERE oid >= \(firstNormalObjectID) LOOP
                EXECUTE format('DROP ROLE %I', r.rolname);
              END LOOP;
            END
            $reset$;
            """
        let setup = try setupSQL(group)
        _ = try connection.execute(cleanup + (setup.isEmpty ? "" : "\n" + setup))
        for statement in try databaseSQL(group) { _ = try connection.execute(statement) }
    }
}
