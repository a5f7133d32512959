import Dispatch
import Foundation
import Synchronization

/// The clusters this process has running, so they can be stopped when the process is
/// interrupted (SIGINT/SIGTERM) or exits without stopping them (a failed test, a thrown
/// error). A `kill -9` skips all of this; the next run's `Workspace.reapOrphans` covers it.
enum LiveServers {
    private static let registry = Mutex<[String: String]>([:])  // data dir -> cluster dir
    private static let installed = Mutex<Bool>(false)
    nonisolated(unsafe) private static var signalSources: [DispatchSourceSignal] = []
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
    static func installHandlers(runDirectory dir: String?) {
        if let dir { runDirectory.withLock { $0 = dir } }
        let first = installed.withLock { done -> Bool in
            defer { done = true }
            return !done
        }
        guard first else { return }
        atexit { LiveServers.stopAll() }
        let queue = DispatchQueue(label: "pg-ssl-matrix.signals")
        var sources: [DispatchSourceSignal] = []
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: queue)
            source.setEventHandler {
                LiveServers.stopAll()
                signal(sig, SIG_DFL)
                kill(getpid(), sig)
            }
            source.resume()
            sources.append(source)
        }
        signalSources = sources
    }
}

extension ProcessTable {
    /// Installs the harness's SIGINT/SIGTERM/SIGHUP handling now, before any work.
    public static func installSignalHandlers() { LiveServers.installHandlers(runDirectory: nil) }
}
