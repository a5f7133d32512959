import Foundation

extension Cluster {
    /// Removes every file in `filesDirectory`: a group that follows on a reused server must
    /// not find (or be able to name) the previous group's certificates, keys and CRLs.
    public func clearServerFiles() throws {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: filesDirectory)) ?? []
        for name in names { SecureFiles.remove("\(filesDirectory)/\(name)") }
        let left = (try? FileManager.default.contentsOfDirectory(atPath: filesDirectory)) ?? []
        if !left.isEmpty {
            throw ClusterKitError.unusableTempDirectory(
                path: filesDirectory,
                reason: "could not empty it for the next group (left: \(left.joined(separator: ", ")))")
        }
    }

    /// Switches a running server to the configuration now written (settings, pg_hba.conf,
    /// pg_ident.conf) with a reload, proves the switch took effect, then runs `then` (SQL
    /// that sets up the group) on the same connection and returns its value. Returns only
    /// when a new connection sees the new configuration.
    ///
    /// Proof: the reload was accepted as a whole (the log analysis of `reload()`: pg_hba.conf,
    /// pg_ident.conf and the SSL context were reloaded), no parameter waits for a restart,
    /// postgresql.conf has no setting in error, and every string or boolean scenario setting
    /// reads back as written. (pg_hba_file_rules is not a criterion: it also lists lines a
    /// fresh start accepts with a warning, e.g. a hostssl line while ssl is off.) Any doubt
    /// throws `reloadRejected` naming what did not switch; the caller then uses a fresh server.
    ///
    /// Cost: one SIGHUP, one admin connection and one query. No polling: the signal is
    /// pending in the postmaster once kill() returns, and the kernel runs its handler on the
    /// postmaster's next return to user space, so before the postmaster can learn of a
    /// connection made after that (PostgreSQL <= 15 reloads inside the handler; 16+ sets a
    /// flag its loop handles before it accepts). The postmaster writes the reload's lines
    /// (settings, pg_hba, pg_ident, SSL context) itself, before it forks the backend that
    /// serves this connection. The "received SIGHUP" line is still required in the log; if it
    /// is missing (a server that logs elsewhere), the switch waits for it as `reload()` does.
    public func switchConfiguration<T: Sendable>(
        then setup: @escaping @Sendable (SwitchedServer) throws -> T
    ) async throws -> T {
        guard isRunning, let pid = Postmaster.readPidFile(dataDirectory: dataDirectory)?.pid,
            Postmaster.isPostmaster(pid: pid, of: dataDirectory)
        else { throw ClusterKitError.clusterNotRunning(name: name) }
        let mark = log.mark()
        kill(pid, SIGHUP)
        let expected = settings.entries.compactMap { entry -> (String, String)? in
            switch entry.value {
            case .string(let s): return (entry.name, s)
            case .bool(let b): return (entry.name, b ? "on" : "off")
            case .int, .raw: return nil
            }
        }
        let parameters = adminParameters()
        let log = self.log
        let attempt: @Sendable () throws -> T? = {
            let connection = PGConnection(parameters: parameters)
            guard connection.isConnected else {
                throw ClusterKitError.connectionFailed(message: connection.errorMessage)
            }
            // The handler has finished before this backend was forked: its lines are all written.
            guard log.contains("received SIGHUP", since: mark) else { return nil }
            if let rejected = Cluster.reloadRejection(log.lines(since: mark)) { throw rejected }
            let next = try Cluster.verifySwitch(on: connection, expected: expected)
            return try setup(SwitchedServer(connection: connection, nextTransaction: next))
        }
        if let value = try await BlockingWork.run(attempt) { return value }
        let deadline = ContinuousClock.now + .seconds(10)
        while !log.contains("received SIGHUP", since: mark) {
            guard ContinuousClock.now < deadline else {
                throw ClusterKitError.reloadRejected(problems: ["the server did not log 'received SIGHUP' within 10 s"])
            }
            try await Task.sleep(nanoseconds: 1_000_000)
        }
        guard let value = try await BlockingWork.run(attempt) else {
            throw ClusterKitError.reloadRejected(problems: ["the server did not log 'received SIGHUP'"])
        }
        return value
    }

    /// The next transaction id to be assigned, read without assigning one: every change to
    /// the database (a role, an extension, a database, a table) takes an id, so an equal
    /// value later proves nothing was written in between.
    public static let nextTransactionSQL = "SELECT txid_snapshot_xmax(txid_current_snapshot())::text"

    /// One query (the functions behind pg_settings and pg_file_settings, called directly: a
    /// switch's backend is new, and loading and rewriting the views' definitions would be most
    /// of its work): settings waiting for a restart, postgresql.conf lines in error, the current
    /// value of every setting the scenario wrote as a string or boolean, and the next
    /// transaction id (returned).
    ///
    /// Each value is read with `current_setting(name, true)`, by the name the scenario wrote:
    /// the server resolves it as it resolved the file, so a name that a newer major keeps only
    /// as an alias (18 lists `ssl_ecdh_curve` in pg_settings as `ssl_groups`) reads back like
    /// any other, with no list of renames here. NULL: the server knows no such setting.
    static func verifySwitch(on connection: PGConnection, expected: [(String, String)]) throws -> String? {
        var problems: [String] = []
        var next: String? = nil
        do {
            let reads = try expected.enumerated().map { index, entry in
                "UNION ALL SELECT 'value', '\(index)', current_setting(\(try SQLQuoting.literal(entry.0, what: "setting name")), true)"
            }
            let rows = try connection.execute(
                ([
                    """
                    SELECT 'pending', name, NULL FROM pg_show_all_settings() WHERE pending_restart
                    UNION ALL SELECT 'error', coalesce(name, ''), error FROM pg_show_all_file_settings()
                    WHERE error IS NOT NULL
                    """
                ] + reads + [
                    "UNION ALL SELECT 'next', NULL, (\(nextTransactionSQL.dropFirst("SELECT ".count)))"
                ]).joined(separator: "\n")
            ).rows
            var values: [Int: String?] = [:]
            for row in rows {
                switch row[0] {
                case "pending": problems.append("\(row[1] ?? "") is waiting for a restart")
                case "error": problems.append("\(row[1] ?? ""): \(row[2] ?? "")")
                case "next": next = row[2]
                default: if let index = row[1].flatMap({ Int($0) }) { values[index] = row[2] }
                }
            }
            for (index, (name, value)) in expected.enumerated() {
                let read = values[index] ?? nil
                if read != value { problems.append("\(name) is '\(read ?? "(unknown)")', not '\(value)'") }
            }
        } catch let error as PGConnection.ServerError {
            throw ClusterKitError.sqlFailed(sql: "(verifying a reload)", message: error.message)
        }
        if !problems.isEmpty { throw ClusterKitError.reloadRejected(problems: problems) }
        return next
    }

    /// The `reloadRejected` error for a reload's log lines, or nil when it was accepted.
    /// A restart-only change makes the server say "contains errors" too; that alone is not
    /// a rejection. A "was not reloaded" (pg_hba, pg_ident, SSL) always is.
    static func reloadRejection(_ lines: [ServerLog.Line]) -> ClusterKitError? {
        let relevant = lines.filter { $0.remote != "[local]" && !$0.message.contains("received SIGHUP") }
        let problems = relevant.filter {
            $0.message.contains("was not reloaded")
                || ($0.severity != "LOG" && $0.severity != nil)
                || ($0.severity == "LOG" && !$0.message.contains("cannot be changed without restarting")
                    && !$0.message.contains("contains errors") && !$0.message.contains("changed to"))
        }
        let rejected =
            relevant.contains { $0.message.contains("was not reloaded") }
            || (relevant.contains { $0.message.contains("contains errors") } && !problems.isEmpty)
        return rejected ? ClusterKitError.reloadRejected(problems: relevant.map(\.description)) : nil
    }
}

/// The admin connection of a proven switch, and the next transaction id it read.
public struct SwitchedServer {
    public let connection: PGConnection
    /// nil when the server did not say.
    public let nextTransaction: String?

    /// An admin connection to a server just started with its configuration (nothing to prove).
    public init(connection: PGConnection, nextTransaction: String?) {
        self.connection = connection
        self.nextTransaction = nextTransaction
    }
}
