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
        (try group.roles.map { try $0.sql(deriveSecret: derivesSecrets(group)) } + extensionSQL(group))
            .joined(separator: "\n")
    }

    static func extensionSQL(_ group: RunnableGroup) throws -> [String] {
        try group.extensions.map {
            "CREATE EXTENSION IF NOT EXISTS \(try SQLQuoting.identifier($0, what: "extension name"));"
        }
    }

    /// False when the group sets `scram_iterations` (PostgreSQL 16+): then the server derives
    /// every SCRAM secret with its own count.
    static func derivesSecrets(_ group: RunnableGroup) -> Bool {
        !group.settings.entries.contains { $0.name.lowercased() == "scram_iterations" }
    }

    /// Role name -> the statement that makes it.
    static func roleSQL(_ group: RunnableGroup) throws -> [String: String] {
        Dictionary(try group.roles.map { ($0.name, try $0.sql(deriveSecret: derivesSecrets(group))) }) { _, last in
            last
        }
    }

    /// The `CREATE DATABASE` statements among a set-up's `statements`.
    static func databaseStatements(_ statements: [String]) -> [String] {
        statements.filter { $0.hasPrefix("CREATE DATABASE") }
    }

    /// The same with passwords left out: what an error may show (never another role's password).
    static func redactedSetupSQL(_ group: RunnableGroup) -> String {
        (group.roles.map(\.redactedSQL) + group.extensions.map { "CREATE EXTENSION IF NOT EXISTS \($0);" })
            .joined(separator: "\n")
    }

    /// Every statement a group's set-up runs, in order. Two groups with equal statements need
    /// the same database state; whatever set-up runs must be listed here, or a reused server
    /// could keep a state another group made.
    static func statements(_ group: RunnableGroup, major: Int) throws -> [String] {
        let setup = try setupSQL(group)
        return (setup.isEmpty ? [] : [setup]) + (try databaseSQL(group, major: major))
    }

    /// One `CREATE DATABASE` per database: it cannot run inside the implicit transaction of
    /// a multi-statement query. `TEMPLATE postgres` copies the extensions just created there.
    ///
    /// `STRATEGY = FILE_COPY` on 15+ (the only strategy before 15): 15's default, WAL_LOG,
    /// reads every block of the template through shared buffers and writes it to WAL, which
    /// measured 26-41 ms per database here against 9-15 ms for a file copy. The file copy's
    /// price is two checkpoints, and the harness's servers run with fsync off, so they cost
    /// next to nothing. The database made is the same either way; a group that sets up six
    /// databases (PostgreSQL's own SSL suite does) saves ~0.1 s per fresh server or reset.
    static func databaseSQL(_ group: RunnableGroup, major: Int) throws -> [String] {
        let strategy = major >= 15 ? " STRATEGY = FILE_COPY" : ""
        return try group.databases.map {
            "CREATE DATABASE \(try SQLQuoting.identifier($0, what: "database name")) TEMPLATE postgres" + strategy
        }
    }

    /// Runs the set-up on a fresh server; a failure reports the redacted statements. With
    /// `record` the state is read back for a later `reset` (a server kept for reuse).
    @discardableResult
    static func setUp(_ group: RunnableGroup, on cluster: Cluster, record: Bool = false) async throws -> DatabaseState?
    {
        let statements = try statements(group, major: cluster.installation.major)
        if statements.isEmpty && !record { return nil }
        let parameters = cluster.adminParameters()
        return try await BlockingWork.run {
            let connection = PGConnection(parameters: parameters)
            guard connection.isConnected else {
                throw ClusterKitError.connectionFailed(message: connection.errorMessage)
            }
            return try run(statements, group, on: connection)
        }
    }

    /// Runs `statements` on `connection`, then reads the transaction counter they left.
    private static func run(
        _ statements: [String], _ group: RunnableGroup, on connection: PGConnection
    ) throws -> DatabaseState {
        do {
            for statement in statements { _ = try connection.execute(statement) }
            return try state(statements, group, on: connection)
        } catch let error as PGConnection.ServerError {
            throw ClusterKitError.sqlFailed(
                sql: ([redactedSetupSQL(group)] + databaseStatements(statements))
                    .joined(separator: "\n"),
                message: error.message)
        }
    }

    /// The state `statements` (the whole set-up of `group`) left, read after they ran.
    private static func state(
        _ statements: [String], _ group: RunnableGroup, on connection: PGConnection
    ) throws -> DatabaseState {
        return DatabaseState(
            statements: statements, nextTransaction: try nextTransaction(on: connection) ?? "",
            roles: try roleSQL(group), rest: try rest(statements, group))
    }

    /// The server's next transaction id (`Cluster.nextTransactionSQL`); nil when it did not say.
    private static func nextTransaction(on connection: PGConnection) throws -> String? {
        try connection.execute(Cluster.nextTransactionSQL).rows.first?.first ?? nil
    }

    /// The set-up but for the roles: the extensions, then the databases (copies of postgres).
    static func rest(_ statements: [String], _ group: RunnableGroup) throws -> [String] {
        try extensionSQL(group) + databaseStatements(statements)
    }

    /// Puts the server in the state a fresh server has after `group`'s set-up (blocking: runs
    /// on the switch's own admin connection). When the server already is in it (`current`:
    /// the same statements ran last, and no transaction was assigned since: every write,
    /// whoever made it, takes one), nothing is dropped or re-created; when only the roles
    /// differ (and nothing was written), only those roles are (`switchRoles`); otherwise
    /// everything the previous group created is dropped first. (Autovacuum takes transaction
    /// ids too; that only makes a reset run when it was not needed.)
    static func reset(
        on server: SwitchedServer, for group: RunnableGroup, major: Int, current: DatabaseState?
    ) throws -> DatabaseState {
        let statements = try statements(group, major: major)
        if let current, let next = server.nextTransaction, next == current.nextTransaction {
            if current.statements == statements { return current }
            if current.rest == (try rest(statements, group)) {
                return try switchRoles(from: current, to: group, statements, on: server.connection)
            }
        }
        try dropCreated(on: server.connection)
        return try run(statements, group, on: server.connection)
    }

    /// `reset` on a server just (re)started with `group`'s configuration, over a new admin
    /// connection: after a restart the database is what the previous group left.
    static func resetAfterStart(
        _ group: RunnableGroup, on cluster: Cluster, current: DatabaseState?
    ) async throws -> DatabaseState {
        let parameters = cluster.adminParameters()
        let major = cluster.installation.major
        return try await BlockingWork.run {
            let connection = PGConnection(parameters: parameters)
            guard connection.isConnected else {
                throw ClusterKitError.connectionFailed(message: connection.errorMessage)
            }
            let next: String?
            do {
                next = try nextTransaction(on: connection)
            } catch let error as PGConnection.ServerError {
                throw ClusterKitError.sqlFailed(sql: Cluster.nextTransactionSQL, message: error.message)
            }
            return try reset(
                on: SwitchedServer(connection: connection, nextTransaction: next), for: group, major: major,
                current: current)
        }
    }

    /// Only the roles differ (and nothing was written since the set-up): drops the roles the
    /// next group does not declare the same way and creates the ones it declares differently.
    /// Roles own nothing here (the databases and extensions are the admin's, and a write, such
    /// as a table a case created, would have moved the transaction counter), so this leaves the
    /// state a full reset would, without dropping and copying every database again (PostgreSQL's
    /// own SSL suite keeps six databases and changes only its roles from one file to the next).
    private static func switchRoles(
        from current: DatabaseState, to group: RunnableGroup, _ statements: [String], on connection: PGConnection
    ) throws -> DatabaseState {
        let wanted = try roleSQL(group)
        do {
            for name in current.roles.keys.sorted() where wanted[name] != current.roles[name] {
                _ = try connection.execute("DROP ROLE \(try SQLQuoting.identifier(name))")
            }
            for role in group.roles where current.roles[role.name] != wanted[role.name] {
                _ = try connection.execute(try role.sql(deriveSecret: derivesSecrets(group)))
            }
            return try state(statements, group, on: connection)
        } catch let error as PGConnection.ServerError {
            throw ClusterKitError.sqlFailed(sql: redactedSetupSQL(group), message: error.message)
        }
    }

    /// Drops every database, extension and role created after initdb.
    private static func dropCreated(on connection: PGConnection) throws {
        let databases = try connection.execute(
            "SELECT datname FROM pg_database WHERE oid >= \(firstNormalObjectID) ORDER BY datname"
        ).rows.compactMap { $0[0] }
        for database in databases {
            // DROP DATABASE cannot run inside a transaction block: one statement each.
            _ = try connection.execute("DROP DATABASE \(try SQLQuoting.identifier(database)) WITH (FORCE)")
        }
        _ = try connection.execute(
            """
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
            """)
    }
}

/// The database state a group's set-up left on a server: the statements that made it and
/// the transaction counter right after them (see `ServerReset.reset`).
struct DatabaseState: Sendable, Equatable {
    var statements: [String]
    var nextTransaction: String
    /// Role name -> the statement that made it.
    var roles: [String: String] = [:]
    /// The rest of the set-up, in order: extensions, then databases.
    var rest: [String] = []
}
