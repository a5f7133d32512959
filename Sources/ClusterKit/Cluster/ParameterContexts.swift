import Foundation
import Synchronization

/// When each server parameter takes effect, as the server itself says (`pg_settings.context`).
///
/// Whether a running server can be switched to another group's configuration with a reload
/// depends on the parameters that differ: `postmaster` ones need a restart, `internal` ones
/// cannot be set at all, everything else (`sighup`, `superuser-backend`, `backend`,
/// `superuser`, `user`) is re-read on SIGHUP. The answer is version-specific (ssl_* became
/// reloadable in PostgreSQL 10), so it is read from a server of the same installation,
/// never from a hand-kept list.
public struct ParameterContexts: Sendable, Equatable {
    /// Parameter name (lower case) -> context.
    public let contexts: [String: String]

    public init(contexts: [String: String]) {
        self.contexts = Dictionary(uniqueKeysWithValues: contexts.map { ($0.key.lowercased(), $0.value) })
    }

    static let reloadable: Set<String> = ["sighup", "superuser-backend", "backend", "superuser", "user"]

    /// True when a changed value of `name` takes effect on a reload. Unknown names (custom
    /// or misspelt) are not: only a fresh start shows what the server makes of them.
    public func isReloadable(_ name: String) -> Bool {
        contexts[name.lowercased()].map { ParameterContexts.reloadable.contains($0) } ?? false
    }

    /// The parameters whose change from `old` to `new` needs a restart (or a fresh server).
    /// A parameter present in only one of them counts as changed (the other has the default).
    public func restartNeeded(from old: ServerSettings, to new: ServerSettings) -> [String] {
        let names = Set(old.entries.map { $0.name.lowercased() } + new.entries.map { $0.name.lowercased() })
        return names.sorted().filter { name in
            let a = old.entries.first { $0.name.lowercased() == name }?.value
            let b = new.entries.first { $0.name.lowercased() == name }?.value
            return a != b && !isReloadable(name)
        }
    }

    /// The parameters of `settings` that are fixed for a server's life: what a server's
    /// identity is as far as reuse goes (two groups with equal values can share a server).
    public func restartOnly(_ settings: ServerSettings) -> [(String, ServerSettings.Value)] {
        settings.entries.filter { !isReloadable($0.name) }.map { ($0.name.lowercased(), $0.value) }
    }

    /// Reads `pg_settings` from a running server.
    public static func query(_ cluster: Cluster) async throws -> ParameterContexts {
        let rows = try await cluster.query("SELECT name, context FROM pg_settings").rows
        var contexts: [String: String] = [:]
        for row in rows {
            if let name = row[0], let context = row[1] { contexts[name] = context }
        }
        return ParameterContexts(contexts: contexts)
    }

    private static let cache = Mutex<[String: ParameterContexts]>([:])

    /// The contexts of `installation`, read once per process from a throwaway server of it.
    public static func of(_ installation: Installation) async throws -> ParameterContexts {
        if let known = cache.withLock({ $0[installation.bindir] }) { return known }
        let contexts = try await Cluster.with(installation: installation) { cluster in
            try await cluster.start()
            return try await query(cluster)
        }
        cache.withLock { $0[installation.bindir] = contexts }
        return contexts
    }
}
