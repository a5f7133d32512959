import Foundation

/// Direct, synchronous control of a postmaster through its postmaster.pid.
///
/// Used where async code cannot run (signal handlers' dispatch source, atexit) and for
/// orphans, whose pg_ctl is long gone. A pid is only signalled after checking that the
/// process's working directory is the data directory (postgres chdirs there), so a
/// recycled pid is never hit.
enum Postmaster {
    struct PidFile {
        let pid: Int32
        let port: Int?
        /// Line 7: the System V shared memory key and id (the small interlock segment).
        var sharedMemory: (key: Int32, id: Int32)? = nil
    }

    static func readPidFile(dataDirectory: String) -> PidFile? {
        guard let text = try? String(contentsOfFile: "\(dataDirectory)/postmaster.pid", encoding: .utf8) else {
            return nil
        }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard let first = lines.first, let pid = Int32(first.trimmingCharacters(in: .whitespaces)) else { return nil }
        let port = lines.count > 3 ? Int(lines[3].trimmingCharacters(in: .whitespaces)) : nil
        var shm: (Int32, Int32)? = nil
        if lines.count > 6 {
            let words = lines[6].split(separator: " ")
            if words.count == 2, let key = UInt32(words[0]), let id = Int32(words[1]) {
                shm = (Int32(bitPattern: key), id)
            }
        }
        return PidFile(pid: pid, port: port, sharedMemory: shm)
    }

    /// True when `pid` is alive and runs in `dataDirectory`.
    static func isPostmaster(pid: Int32, of dataDirectory: String) -> Bool {
        guard ProcessIdentity.isRunning(pid) else { return false }
        guard let cwd = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/cwd") else {
            return false
        }
        // Checked before every case: the plain comparison first, symlinks resolved only when it fails.
        if cwd == dataDirectory { return true }
        guard let resolved = realpath(dataDirectory, nil) else { return false }
        defer { free(resolved) }
        return cwd == String(cString: resolved)
    }

    /// SIGQUIT (immediate shutdown), then SIGKILL after `grace` seconds.
    static func stopImmediately(dataDirectory: String, grace: Double = 5) {
        guard let pidFile = readPidFile(dataDirectory: dataDirectory),
            isPostmaster(pid: pidFile.pid, of: dataDirectory)
        else { return }
        kill(pidFile.pid, SIGQUIT)
        let deadline = Date().addingTimeInterval(grace)
        while Date() < deadline {
            if !ProcessIdentity.isRunning(pidFile.pid) { return }
            usleep(5_000)
        }
        kill(pidFile.pid, SIGKILL)
    }

    /// Removes the System V segment a server that is gone left behind (a kill -9 or crash
    /// skips the server's own cleanup). Only when the key matches and nothing is attached.
    /// Dynamic shared memory needs nothing here: the harness sets
    /// `dynamic_shared_memory_type = mmap`, so those segments live in the data directory.
    static func removeSharedMemory(_ pidFile: PidFile) {
        guard let shm = pidFile.sharedMemory, !ProcessIdentity.isRunning(pidFile.pid) else { return }
        var ds = shmid_ds()
        guard shmctl(shm.id, IPC_STAT, &ds) == 0, ds.shm_perm.__key == shm.key, ds.shm_nattch == 0 else { return }
        _ = shmctl(shm.id, IPC_RMID, nil)
    }

    /// True while the segment named in `pidFile` exists (for tests and reports).
    static func sharedMemoryExists(_ pidFile: PidFile) -> Bool {
        guard let shm = pidFile.sharedMemory else { return false }
        var ds = shmid_ds()
        return shmctl(shm.id, IPC_STAT, &ds) == 0 && ds.shm_perm.__key == shm.key
    }

    /// Stops whatever runs in `directory` (registered or not), then frees the shared memory
    /// of the servers whose pid files are there: what every teardown path ends with.
    static func stopEverything(under directory: String, dataDirectories: [String]) {
        let pidFiles = dataDirectories.compactMap { readPidFile(dataDirectory: $0) }
        for dataDirectory in dataDirectories { stopImmediately(dataDirectory: dataDirectory, grace: 2) }
        ProcessTable.stopProcesses(under: directory)
        pidFiles.forEach(removeSharedMemory)
    }
}
