import Foundation

extension Cluster {
    /// Log lines that only a server that crashed or lost its postmaster writes.
    static let crashMarkers = [
        "terminating connection because of crash of another server process",
        "terminating connection due to unexpected postmaster exit",
        "unexpected postmaster exit",
        "was terminated by signal",
        "terminating any other active server processes",
        "all server processes terminated; reinitializing",
    ]

    /// True while the postmaster named in postmaster.pid runs in this data directory.
    public var postmasterIsAlive: Bool {
        guard let pidFile = Postmaster.readPidFile(dataDirectory: dataDirectory) else { return false }
        return Postmaster.isPostmaster(pid: pidFile.pid, of: dataDirectory)
    }

    /// Why this running server can no longer be trusted, with its last log lines, or nil
    /// when it is fine: the postmaster is gone, or the log shows a crash (a backend killed
    /// by a signal makes the postmaster reset every connection). Results observed after that
    /// describe the crash, not PostgreSQL's behaviour, so they must never count as outcomes.
    public func deathReport(since mark: ServerLog.Mark = .start, lastLines: Int = 12) -> String? {
        guard isRunning else { return nil }
        let lines = log.lines(since: mark)
        let crashed = lines.contains { line in Cluster.crashMarkers.contains { line.raw.contains($0) } }
        let gone = !postmasterIsAlive
        guard gone || crashed else { return nil }
        let what = gone ? "its postmaster is gone" : "it crashed (the server log shows a reset)"
        let tail = lines.suffix(lastLines).map { "  " + $0.raw }.joined(separator: "\n")
        return "the server \(name) died while the group ran: \(what). Its last log lines:\n"
            + (tail.isEmpty ? "  (the log is empty)" : tail)
    }
}
