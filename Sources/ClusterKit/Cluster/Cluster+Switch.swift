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
    /// pg_ident.conf) with a reload, and proves the switch took effect before returning:
    /// the reload was accepted as a whole (`reload()`: pg_hba.conf, pg_ident.conf and the SSL
    /// context were reloaded), no parameter waits for a restart, postgresql.conf has no
    /// setting in error, and every string or boolean scenario setting reads back as written.
    /// (pg_hba_file_rules is not a criterion: it also lists lines a fresh start accepts with
    /// a warning, e.g. a hostssl line while ssl is off.) Any doubt throws `reloadRejected` naming what did not switch; the
    /// caller then uses a fresh server instead.
    public func switchConfiguration() async throws {
        let report = try await reload()
        var problems = report.pendingRestart
        let pending = try await query("SELECT name FROM pg_settings WHERE pending_restart ORDER BY name").rows
        problems += pending.compactMap { $0[0] }.map { "\($0) is waiting for a restart" }
        problems += try await settingsFileErrors()
        let expected = settings.entries.compactMap { entry -> (String, String)? in
            switch entry.value {
            case .string(let s): return (entry.name, s)
            case .bool(let b): return (entry.name, b ? "on" : "off")
            case .int, .raw: return nil
            }
        }
        if !expected.isEmpty {
            let list = expected.map { "'" + $0.0.replacingOccurrences(of: "'", with: "''") + "'" }
                .joined(separator: ",")
            let rows = try await query(
                "SELECT name, setting FROM pg_settings WHERE name IN (\(list))"
            ).rows
            var actual: [String: String] = [:]
            for row in rows { if let n = row[0] { actual[n] = row[1] ?? "" } }
            for (name, value) in expected where actual[name.lowercased()] != value {
                problems.append("\(name) is '\(actual[name.lowercased()] ?? "(unknown)")', not '\(value)'")
            }
        }
        if !problems.isEmpty { throw ClusterKitError.reloadRejected(problems: problems) }
    }
}
