import Foundation

extension Probe {
    /// Waits until the server has written everything about `ports`, then returns the lines
    /// per socket. See `Probe` for the rule; `limit` bounds the whole wait.
    static func pairLogLines(
        ports: [Int], tls: [Bool] = [], log: ServerLog, since mark: ServerLog.Mark, limit: Duration,
        grace: Duration
    ) async -> [Outcome.Socket] {
        let clock = ContinuousClock()
        let start = clock.now
        var reader = IncrementalLogReader(log: log, from: mark)
        // One backend per socket, in order: two sockets can share a port (the kernel reuses
        // a port the server closed first), so the n-th socket with a port pairs with the n-th
        // backend that logged it.
        var pids: [Int?] = Array(repeating: nil, count: ports.count)
        while true {
            reader.readNewLines()
            for (index, port) in ports.enumerated() where pids[index] == nil {
                let taken = Set(pids.compactMap { $0 })
                // Port 0 is a Unix socket, logged as [local]: it pairs with the first [local]
                // backend after the mark, which is exact only while no other socket connection
                // is in flight on this cluster (ScenarioRunner runs such probes one at a time).
                let line = reader.lines.first { line in
                    guard let pid = line.pid, !taken.contains(pid) else { return false }
                    return port == 0 ? line.remote == "[local]" : line.remotePort == port
                }
                if let pid = line?.pid { pids[index] = pid }
            }
            let elapsed = clock.now - start
            let waitingFor = ports.indices.filter { index in
                guard let pid = pids[index] else { return elapsed < grace }
                return ProcessIdentity.isRunning(Int32(pid))
            }
            if waitingFor.isEmpty || elapsed >= limit { break }
            try? await Task.sleep(for: .milliseconds(1))
        }
        // A backend that has exited wrote its last line before it did: one more read gets it.
        reader.readNewLines()
        let lines = reader.lines
        let grouped = group(lines)
        return ports.enumerated().map { index, port in
            let pid = pids[index]
            let mine = grouped.filter { $0.pid != nil && $0.pid == pid }.map {
                Outcome.LogLine(pid: $0.pid, severity: $0.severity, message: $0.message, sqlstate: $0.sqlstate)
            }
            let finished = pid.map { !ProcessIdentity.isRunning(Int32($0)) } ?? false
            return Outcome.Socket(
                localPort: port, serverPID: pid, serverLog: mine, logComplete: finished,
                tls: index < tls.count && tls[index])
        }
    }

    /// Joins continuation lines (a message with embedded newlines: no prefix) to the line
    /// they continue.
    static func group(_ lines: [ServerLog.Line]) -> [ServerLog.Line] {
        var result: [ServerLog.Line] = []
        for line in lines {
            if line.pid == nil, let last = result.last {
                result[result.count - 1] = ServerLog.Line(
                    raw: last.raw + "\n" + line.raw, pid: last.pid, remote: last.remote,
                    applicationName: last.applicationName, sqlstate: last.sqlstate, severity: last.severity,
                    message: last.message + "\n" + line.raw)
            } else {
                result.append(line)
            }
        }
        return result
    }
}

/// Reads a growing log from a mark, parsing each complete line once.
struct IncrementalLogReader {
    let log: ServerLog
    private var offset: UInt64
    private(set) var lines: [ServerLog.Line] = []

    init(log: ServerLog, from mark: ServerLog.Mark) {
        self.log = log
        self.offset = mark.offset
    }

    mutating func readNewLines() {
        let text = log.text(since: ServerLog.Mark(offset: offset))
        guard let lastNewline = text.lastIndex(of: "\n") else { return }
        let complete = text[...lastNewline]
        offset += UInt64(complete.utf8.count)
        lines += complete.split(separator: "\n").map { ServerLog.parse(String($0)) }
    }
}
