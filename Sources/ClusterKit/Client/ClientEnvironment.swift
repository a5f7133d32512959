import Foundation
import Synchronization

/// Makes this process's environment unable to change what libpq does for a probe.
///
/// libpq reads `PG*` variables for every keyword the caller leaves out, and a few that no
/// keyword value can neutralise: `PGSERVICE` (names a service whose file may set any
/// keyword), `PGSERVICEFILE` and `PGSYSCONFDIR` (where that file is), `PGOPTIONS`,
/// `PGREQUIREPEER`, `PGCLIENTENCODING`... `ConnectionParameters` passes an explicit value for
/// every keyword that matters, and this removes the rest of the risk: before the first
/// probe, every variable whose name starts with `PG` is `unsetenv`'ed, once, for the whole
/// process, except the harness's own `PGSSLMATRIX_*` settings: libpq reads no variable with
/// that prefix, and `Workspace`/`Installation` may still need them later.
///
/// Why once and not around each connection: setenv/unsetenv race with getenv in other
/// threads, and probes run many at a time. The removal happens under a lock, before the
/// first probe's libpq call, and is never undone.
public enum ClientEnvironment {
    private static let removed = Mutex<[String]?>(nil)

    /// Unsets every `PG*` variable the first time it is called; returns the names removed
    /// (the same list on every later call).
    @discardableResult
    public static func makeHermetic() -> [String] {
        removed.withLock { state in
            if let state { return state }
            let names = ProcessInfo.processInfo.environment.keys.filter(isLibpqVariable).sorted()
            for name in names { unsetenv(name) }
            state = names
            return names
        }
    }

    /// The `PG*` variables present now (empty after `makeHermetic`, unless someone set one since).
    public static var libpqVariablesPresent: [String] {
        ProcessInfo.processInfo.environment.keys.filter(isLibpqVariable).sorted()
    }

    static func isLibpqVariable(_ name: String) -> Bool {
        name.hasPrefix("PG") && !name.hasPrefix("PGSSLMATRIX_")
    }
}
