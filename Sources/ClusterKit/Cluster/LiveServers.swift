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

    /// Stops every registered server at once and removes the run directory.
    static func stopAll() {
        let all = registry.withLock { current -> [String: String] in
            let copy = current
            current.removeAll()
            return copy
        }
        for (dataDir, clusterDir) in all {
            Postmaster.stopImmediately(dataDirectory: dataDir)
            SecureFiles.remove(clusterDir)
        }
        if let run = runDirectory.withLock({ $0 }) { SecureFiles.remove(run) }
    }

    static func installHandlers(runDirectory dir: String) {
        runDirectory.withLock { $0 = dir }
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
