import Foundation

/// posix_spawn for the harness's long-lived children (postmasters, client workers), written
/// once: the child starts with default handlers and an empty mask for every signal the
/// harness handles, ignores or blocks, whatever this process has set up (an inherited
/// SIG_IGN for SIGINT would make a postmaster deaf to a fast shutdown).
enum ChildSpawn {
    /// Spawns `executable` with `argv` (argv[0] included) and exactly `environment`.
    /// `flags`: POSIX_SPAWN_SETPGROUP, POSIX_SPAWN_SETSID and the like, beyond the signal
    /// flags; `configure` sets what they need (a process group, say). Returns the pid, or
    /// posix_spawn's error number.
    static func spawn(
        _ executable: String, argv: [String], environment: [String: String],
        actions: inout posix_spawn_file_actions_t, flags: Int32,
        configure: (inout posix_spawnattr_t) -> Void = { _ in }
    ) -> Result<pid_t, SpawnError> {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for sig in [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGCHLD, SIGUSR1, SIGUSR2] { sigaddset(&defaults, sig) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        configure(&attributes)
        posix_spawnattr_setflags(
            &attributes, Int16(Int32(POSIX_SPAWN_SETSIGDEF) | Int32(POSIX_SPAWN_SETSIGMASK) | flags))

        let cArgv = argv.map { strdup($0) } + [nil]
        let cEnvp = environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            cArgv.forEach { free($0) }
            cEnvp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, &actions, &attributes, cArgv, cEnvp)
        return rc == 0 ? .success(pid) : .failure(SpawnError(code: rc))
    }

    /// posix_spawn's error number, with its text.
    struct SpawnError: Error {
        let code: Int32
        var text: String { String(cString: strerror(code)) }
    }
}
