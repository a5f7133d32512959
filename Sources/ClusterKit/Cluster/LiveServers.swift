import Foundation
import Synchronization

/// The clusters this process has running, so they can be stopped when the process is
/// interrupted (SIGINT/SIGTERM) or exits without stopping them (a failed test, a thrown
/// error). A `kill -9` skips all of this; the next run's `Workspace.reapOrphans` covers it.
enum LiveServers {
    private static let registry = Mutex<[String: String]>([:])  // data dir -> cluster dir
    private static let installed = Mutex<Bool>(false)
    private static let runDirectory = Mutex<String?>(nil)

    static func register(dataDirectory: String, clusterDirectory: String) {
        registry.withLock { $0[dataDirectory] = clusterDirectory }
    }

    static func unregister(dataDirectory: String) {
        _ = registry.withLock { $0.removeValue(forKey: dataDirectory) }
    }

    static var count: Int { registry.withLock { $0.count } }

    /// Stops every registered server and everything else running under the run directory,
    /// frees their shared memory and removes the run directory. Children (pg_ctl, initdb)
    /// are killed first so none of them goes on to start a server.
    static func stopAll() {
        ProcessTable.beginShutdown()
        ProcessTable.killChildren()
        let all = registry.withLock { current -> [String: String] in
            let copy = current
            current.removeAll()
            return copy
        }
        let run = runDirectory.withLock { $0 }
        var dataDirectories = Array(all.keys)
        if let run { dataDirectories += Workspace.dataDirectories(under: run) }
        if let run {
            Postmaster.stopEverything(under: run, dataDirectories: Array(Set(dataDirectories)))
        } else {
            for dataDirectory in Set(dataDirectories) { Postmaster.stopImmediately(dataDirectory: dataDirectory) }
        }
        for (_, clusterDir) in all {
            ProcessTable.stopProcesses(under: clusterDir)
            SecureFiles.remove(clusterDir)
        }
        if let run { SecureFiles.remove(run) }
        PortReservation.removeHeldLockFiles()
    }

    /// The signal handlers, installed once and as early as possible (the CLI does it before
    /// parsing its arguments): SIGINT, SIGTERM and SIGHUP stop everything and then end the
    /// process with that signal. A SIGINT the process inherited as ignored (a background job
    /// of a shell) is handled too: leaving it ignored would make Ctrl-C of the job's parent
    /// leak servers.
    ///
    /// A self-pipe, not a dispatch signal source: the handler (async-signal-safe: one write)
    /// runs on whichever thread the kernel picks and hands the signal number to a thread of
    /// its own, which does the stopping. A dispatch source on Linux blocks the signal only in
    /// its own thread and leaves it ignored elsewhere, so a signal that arrived early, while
    /// another thread took it, could be dropped, and a run went on with its servers.
    static func installHandlers(runDirectory dir: String?) {
        if let dir { runDirectory.withLock { $0 = dir } }
        let first = installed.withLock { done -> Bool in
            defer { done = true }
            return !done
        }
        guard first else { return }
        atexit { LiveServers.stopAll() }
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { return }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        _ = fcntl(fds[1], F_SETFL, fcntl(fds[1], F_GETFL) | O_NONBLOCK)
        signalWriteEnd = fds[1]
        let reader = fds[0]
        let thread = Thread { LiveServers.stopOnSignal(from: reader) }
        thread.name = "pg-ssl-matrix.signals"
        thread.start()
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { signo in
                var byte = UInt8(truncatingIfNeeded: signo)
                _ = write(LiveServers.signalWriteEnd, &byte, 1)
            }
            sigemptyset(&action.sa_mask)
            action.sa_flags = SA_RESTART
            sigaction(sig, &action, nil)
        }
    }

    /// The pipe's write end, set once before any handler is installed.
    nonisolated(unsafe) static var signalWriteEnd: Int32 = -1

    /// Waits for the first signal, stops everything, then ends the process with that signal.
    private static func stopOnSignal(from pipe: Int32) {
        var byte: UInt8 = 0
        while true {
            let n = read(pipe, &byte, 1)
            if n == 1 { break }
            if n < 0 && errno == EINTR { continue }
            return
        }
        let sig = Int32(byte)
        stopAll()
        signal(sig, SIG_DFL)
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, sig)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
        kill(getpid(), sig)
    }
}

extension ProcessTable {
    /// Installs the harness's SIGINT/SIGTERM/SIGHUP handling now, before any work.
    public static func installSignalHandlers() { LiveServers.installHandlers(runDirectory: nil) }
}
