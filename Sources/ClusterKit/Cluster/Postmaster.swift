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
    }

    static func readPidFile(dataDirectory: String) -> PidFile? {
        guard let text = try? String(contentsOfFile: "\(dataDirectory)/postmaster.pid", encoding: .utf8) else {
            return nil
        }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard let first = lines.first, let pid = Int32(first.trimmingCharacters(in: .whitespaces)) else { return nil }
        let port = lines.count > 3 ? Int(lines[3].trimmingCharacters(in: .whitespaces)) : nil
        return PidFile(pid: pid, port: port)
    }

    /// True when `pid` is alive and runs in `dataDirectory`.
    static func isPostmaster(pid: Int32, of dataDirectory: String) -> Bool {
        guard ProcessIdentity.isRunning(pid) else { return false }
        guard let cwd = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/cwd") else {
            return false
        }
        let want = (dataDirectory as NSString).resolvingSymlinksInPath
        return cwd == want || cwd == dataDirectory
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
}
