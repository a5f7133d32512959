/// One psql run, as the article makes it: `PGSSLMODE=... psql -c "select * from pg_stat_ssl where pid = pg_backend_pid()"`.
public struct PsqlRun: Sendable, Hashable, Codable {
    public var commandLine: String
    /// The environment psql got (PGPASSWORD shown as "***").
    public var environment: [String: String]
    public var exitCode: Int32?
    public var standardOutput: String
    public var standardError: String
    /// The pg_stat_ssl row, column -> value, when psql connected.
    public var sslRow: [String: String]?
    public var milliseconds: Int

    public var connected: Bool { exitCode == 0 && sslRow != nil }
    public var encrypted: Bool? { sslRow.map { $0["ssl"] == "t" } }
}
