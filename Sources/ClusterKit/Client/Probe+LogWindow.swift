import Foundation

extension Probe {
    /// Pairs by time instead of by port, for a driver that cannot report its local ports:
    /// every backend that logs after `mark` belongs to this connection, in the order of its
    /// first line. Exact only while nothing else connects to the cluster meanwhile, which is
    /// why the runner serialises driver probes per cluster (`ScenarioRunner.probeAll`). The
    /// probe has already returned, so every socket it opened has been accepted and its backend
    /// has logged "connection received" (the server writes that before it answers); the wait
    /// is for each backend to exit (its last line written), bounded by `limit`. With no line
    /// at all (nothing reached the server) it waits `grace`.
    static func pairLogWindow(
        log: ServerLog, since mark: ServerLog.Mark, limit: Duration, grace: Duration
    ) async -> [Outcome.Socket] {
        let clock = ContinuousClock()
        let start = clock.now
        var reader = IncrementalLogReader(log: log, from: mark)
        var pids: [Int] = []
        while true {
            reader.readNewLines()
            // Session processes only: a checkpointer's or autovacuum's lines have no remote.
            for line in reader.lines where line.remote?.isEmpty == false {
                if let pid = line.pid, !pids.contains(pid) { pids.append(pid) }
            }
            let elapsed = clock.now - start
            let running = pids.contains { ProcessIdentity.isRunning(Int32($0)) }
            if (pids.isEmpty && elapsed >= grace) || (!pids.isEmpty && !running) || elapsed >= limit { break }
            try? await Task.sleep(for: .milliseconds(1))
        }
        reader.readNewLines()
        let grouped = group(reader.lines)
        return pids.map { pid in
            let mine = grouped.filter { $0.pid == pid }
            return Outcome.Socket(
                localPort: mine.compactMap(\.remotePort).first ?? 0, serverPID: pid,
                serverLog: mine.map {
                    Outcome.LogLine(pid: $0.pid, severity: $0.severity, message: $0.message, sqlstate: $0.sqlstate)
                },
                logComplete: !ProcessIdentity.isRunning(Int32(pid)))
        }
    }
}
