import Foundation

/// A postmaster this process spawned itself (`postgres -D`), as the server account.
///
/// `pg_ctl start -w` and `pg_ctl stop` poll in 100 ms steps; spawning `postgres` directly
/// and watching line 8 of postmaster.pid for `ready` takes 30-50 ms here, and a signal to
/// the postmaster stops it in ~8 ms (SIGQUIT) or a little more (SIGINT). The postmaster is
/// our child, so it is reaped by pid (swift-subprocess only ever waits on its own pids),
/// runs in its own session (a terminal's ^C reaches the harness, whose handlers stop it),
/// and gets signal dispositions reset (the harness ignores SIGINT/SIGTERM/SIGHUP for its
/// dispatch sources, and ignored signals survive exec).
struct PostmasterProcess: Sendable {
    let pid: pid_t

    /// Why the direct path could not be used; the caller falls back to pg_ctl.
    struct SpawnFailure: Error, CustomStringConvertible {
        let reason: String
        var description: String { "could not spawn postgres directly: \(reason)" }
    }

    /// The postmaster ended before it was ready; its log says why.
    struct Exited: Error {}

    /// glibc's POSIX_SPAWN_SETSID (a GNU extension the Swift importer does not expose).
    private static let spawnSetSID: Int32 = 0x80

    static func spawn(
        postgres: String, dataDirectory: String, logPath: String, account: ServerAccount,
        environment: [String: String]
    ) throws -> PostmasterProcess {
        var executable = postgres
        var arguments = [postgres, "-D", dataDirectory]
        if account.needsSwitch {
            executable = Command.setpriv
            arguments =
                [
                    Command.setpriv, "--reuid=\(account.uid)", "--regid=\(account.gid)", "--clear-groups", "--",
                ] + arguments
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_APPEND | O_CREAT, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // Nothing else of the harness's: a client worker's pipe or Foundation's child-watch
        // socket inherited by a long-lived postmaster would never reach EOF (WorkerProcess).
        if let closeFrom = SpawnExtensions.addCloseFrom { _ = closeFrom(&actions, 3) }

        switch ChildSpawn.spawn(
            executable, argv: arguments, environment: environment, actions: &actions, flags: spawnSetSID)
        {
        case .success(let pid): return PostmasterProcess(pid: pid)
        case .failure(let error): throw SpawnFailure(reason: error.text)
        }
    }

    /// Waits until postmaster.pid says `ready` (line 8, PM_STATUS_READY) for this pid.
    /// Throws `Exited` when the postmaster ended first, and a timeout as `Exited` too after
    /// stopping it: either way the log has the reason.
    func waitUntilReady(dataDirectory: String, timeout: Double = 60) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        let path = dataDirectory + "/postmaster.pid"
        var pause: UInt64 = 500_000
        while Date() < deadline {
            if let text = try? String(contentsOfFile: path, encoding: .utf8) {
                let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
                if lines.count > 7, Int32(lines[0].trimmingCharacters(in: .whitespaces)) == pid,
                    lines[7].trimmingCharacters(in: .whitespaces) == "ready"
                {
                    return
                }
            }
            if hasExited() { throw Exited() }
            try await Task.sleep(nanoseconds: pause)
            pause = min(pause * 2, 4_000_000)
        }
        stop(signal: SIGQUIT, grace: 5)
        throw Exited()
    }

    /// True once the process is gone; reaps it (it is our child).
    func hasExited() -> Bool {
        var status: Int32 = 0
        let r = waitpid(pid, &status, WNOHANG)
        if r == pid { return true }
        if r == -1 && errno == ECHILD { return !ProcessIdentity.isRunning(pid) }
        return false
    }

    /// Sends `signal`, waits up to `grace` seconds, escalates to SIGQUIT and then SIGKILL.
    /// SIGINT is PostgreSQL's fast shutdown (clean, restartable), SIGQUIT immediate.
    func stop(signal: Int32 = SIGINT, grace: Double = 10) {
        if hasExited() { return }
        var sequence = [signal]
        if signal != SIGQUIT { sequence.append(SIGQUIT) }
        sequence.append(SIGKILL)
        for sig in sequence {
            kill(pid, sig)
            let deadline = Date().addingTimeInterval(sig == SIGKILL ? 5 : grace)
            var pause: useconds_t = 500
            while Date() < deadline {
                if hasExited() { return }
                usleep(pause)
                pause = min(pause * 2, 5_000)
            }
        }
    }
}
