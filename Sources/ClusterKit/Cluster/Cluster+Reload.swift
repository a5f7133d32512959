import Foundation

/// What a reload did, from the server's own log.
public struct ReloadReport: Sendable {
    /// Every line the server logged for this reload (prefix stripped).
    public let logLines: [String]
    /// Settings changed that only take effect after a restart.
    public let pendingRestart: [String]
}

extension Cluster {
    /// Rewrites nothing; asks the server to re-read its files and waits until it has.
    ///
    /// Returns only when a new connection sees the new configuration: the postmaster
    /// handles SIGHUP completely (settings, pg_hba.conf, pg_ident.conf, SSL context) before
    /// it forks the next backend. If the server refused any part (a broken certificate, an
    /// invalid pg_hba line), it keeps its previous configuration for that part; that is
    /// thrown as `reloadRejected` with the server's lines, never swallowed.
    @discardableResult
    public func reload() async throws -> ReloadReport {
        guard isRunning else { throw ClusterKitError.clusterNotRunning(name: name) }
        let mark = log.mark()
        let before = try await queryValue("SELECT pg_conf_load_time()::text")
        try await query("SELECT pg_reload_conf()")
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if log.contains("received SIGHUP", since: mark),
                try await queryValue("SELECT pg_conf_load_time()::text") != before
            {
                break
            }
            try await Task.sleep(nanoseconds: 1_000_000)
        }
        // The harness's own admin connections (over the socket) are not part of the story.
        let lines = log.lines(since: mark)
        if let rejected = Cluster.reloadRejection(lines) { throw rejected }
        let relevant = lines.filter { $0.remote != "[local]" && !$0.message.contains("received SIGHUP") }
        let pending = relevant.filter { $0.message.contains("cannot be changed without restarting") }.map(\.description)
        return ReloadReport(logLines: relevant.map(\.description), pendingRestart: pending)
    }

    /// pg_hba.conf problems as the server sees the file on disk now (pg_hba_file_rules).
    public func hbaFileErrors() async throws -> [String] {
        try await query("SELECT line_number, error FROM pg_hba_file_rules WHERE error IS NOT NULL ORDER BY line_number")
            .rows.map { "line \($0[0] ?? "?"): \($0[1] ?? "")" }
    }

    /// postgresql.conf problems as the server sees the files now (pg_file_settings).
    public func settingsFileErrors() async throws -> [String] {
        try await query("SELECT sourcefile, sourceline, name, error FROM pg_file_settings WHERE error IS NOT NULL")
            .rows.map { "\($0[0] ?? "?"):\($0[1] ?? "?") \($0[2] ?? ""): \($0[3] ?? "")" }
    }
}
