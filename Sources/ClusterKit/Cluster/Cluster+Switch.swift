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
    /// that sets up the group) on the same connection. Returns only when a new connection
    /// sees the new configuration.
    ///
    /// Proof: the reload was accepted as a whole (the log analysis of `reload()`: pg_hba.conf,
    /// pg_ident.conf and the SSL context were reloaded), no parameter waits for a restart,
    /// postgresql.conf has no setting in error, and every string or boolean scenario setting
    /// reads back as written. (pg_hba_file_rules is not a criterion: it also lists lines a
    /// fresh start accepts with a warning, e.g. a hostssl line while ssl is off.) Any doubt
    /// throws `reloadRejected` naming what did not switch; the caller then uses a fresh server.
    ///
    /// Cost: one SIGHUP and one admin connection. The postmaster logs "received SIGHUP" when
    /// its handler starts and forks no backend until the handler has finished (reloading
    /// settings, pg_hba, pg_ident and the SSL context), so a connection opened after that line
    /// appeared is served by a backend that sees the whole new configuration.
    public func switchConfiguration(then setup: @escaping @Sendable (PGConnection) throws -> Void) async throws {
        guard isRunning, let pid = Postmaster.readPidFile(dataDirectory: dataDirectory)?.pid,
            Postmaster.isPostmaster(pid: pid, of: dataDirectory)
        else { throw ClusterKitError.clusterNotRunning(name: name) }
        let mark = log.mark()
        kill(pid, SIGHUP)
        let deadline = ContinuousClock.now + .seconds(10)
        var pause: UInt64 = 200_000
        while !log.contains("received SIGHUP", since: mark) {
            guard ContinuousClock.now < deadline else {
                throw ClusterKitError.reloadRejected(problems: ["the server did not log 'received SIGHUP' within 10 s"])
            }
            try await Task.sleep(nanoseconds: pause)
            pause = min(pause * 2, 2_000_000)
        }
        let expected = settings.entries.compactMap { entry -> (String, String)? in
            switch entry.value {
            case .string(let s): return (entry.name, s)
            case .bool(let b): return (entry.name, b ? "on" : "off")
            case .int, .raw: return nil
            }
        }
        let parameters = adminParameters()
        let log = self.log
        try await BlockingWork.run {
            let connection = PGConnection(parameters: parameters)
            guard connection.isConnected else {
                throw ClusterKitError.connectionFailed(message: connection.errorMessage)
            }
            // The handler has finished before this backend was forked: its lines are all written.
            if let rejected = Cluster.reloadRejection(log.lines(since: mark)) { throw rejected }
            var problems: [String] = []
            do {
                let pending = try connection.execute("SELECT name FROM pg_settings WHERE pending_restart ORDER BY name")
                problems += pending.rows.compactMap { $0[0] }.map { "\($0) is waiting for a restart" }
                let errors = try connection.execute(
                    "SELECT coalesce(name, ''), error FROM pg_file_settings WHERE error IS NOT NULL")
                problems += errors.rows.map { "\($0[0] ?? ""): \($0[1] ?? "")" }
                let actual = try connection.execute("SELECT name, setting FROM pg_settings").rows
                var values: [String: String] = [:]
                for row in actual { if let n = row[0] { values[n] = row[1] ?? "" } }
                for (name, value) in expected where values[name.lowercased()] != value {
                    problems.append("\(name) is '\(values[name.lowercased()] ?? "(unknown)")', not '\(value)'")
                }
            } catch let error as PGConnection.ServerError {
                throw ClusterKitError.sqlFailed(sql: "(verifying a reload)", message: error.message)
            }
            if !problems.isEmpty { throw ClusterKitError.reloadRejected(problems: problems) }
            try setup(connection)
        }
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
