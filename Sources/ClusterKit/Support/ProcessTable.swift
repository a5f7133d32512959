import Foundation
import Synchronization

/// Everything the harness starts, so nothing outlives it.
///
/// Two views that the signal handlers, the exit hook and the reaper all use:
/// - the children this process waits for (`Command.run`: initdb, pg_ctl, postgres, cp,
///   psql...), by pid and kernel start time, so a recycled pid is never signalled;
/// - every process working inside a directory of the harness, found in /proc by its current
///   directory or its command line. A postmaster forked by `pg_ctl start` is not our child
///   and has not written postmaster.pid yet when a signal can arrive; it already has its
///   data directory on its command line. A server spawned directly is found the same way.
///
/// Whatever is found under a run directory is stopped before that directory is removed, so
/// no server can outlive its run directory.
public enum ProcessTable {
    struct Child {
        let identity: ProcessIdentity
        let command: String
        var timedOut = false
        /// A postmaster spawned directly: stopped with SIGQUIT (its own immediate shutdown,
        /// which frees its shared memory), not killed with the other children.
        var isServer = false
    }

    private static let children = Mutex<[UInt64: Child]>([:])
    private static let nextToken = Atomic<UInt64>(1)
    private static let stopping = Atomic<Bool>(false)

    /// Set once a signal or exit began tearing everything down: nothing new is started.
    public static var isShuttingDown: Bool { stopping.load(ordering: .acquiring) }

    static func beginShutdown() { stopping.store(true, ordering: .releasing) }

    /// A token for one child; `add` records its pid once it exists.
    static func reserveToken() -> UInt64 { nextToken.wrappingAdd(1, ordering: .relaxed).oldValue }

    /// Records a child this process started (also for direct spawns outside `Command`).
    public static func add(pid: Int32, command: String) -> UInt64 {
        let token = reserveToken()
        add(token: token, pid: pid, command: command)
        return token
    }

    static func add(token: UInt64, pid: Int32, command: String) {
        let identity = ProcessIdentity(pid: pid, startTime: ProcessIdentity.startTime(of: pid) ?? 0)
        children.withLock { $0[token] = Child(identity: identity, command: command) }
    }

    /// Records a postmaster this process spawned itself (not through pg_ctl). It stays in
    /// the table while it lives; teardown stops it through its data directory.
    public static func addServer(pid: Int32, dataDirectory: String) {
        let token = reserveToken()
        let identity = ProcessIdentity(pid: pid, startTime: ProcessIdentity.startTime(of: pid) ?? 0)
        children.withLock { table in
            table = table.filter { $0.value.identity.isAlive }
            table[token] = Child(identity: identity, command: "postgres -D \(dataDirectory)", isServer: true)
        }
    }

    /// Forgets a child that was waited for; returns whether its time limit killed it.
    @discardableResult
    public static func remove(token: UInt64) -> Bool {
        children.withLock { $0.removeValue(forKey: token)?.timedOut ?? false }
    }

    /// Kills a child whose time limit passed (if it is still the same process).
    static func expire(token: UInt64) {
        let child = children.withLock { table -> Child? in
            table[token]?.timedOut = true
            return table[token]
        }
        if let child, child.identity.isAlive { kill(child.identity.pid, SIGKILL) }
    }

    /// The children running now: command lines, for messages and tests.
    public static var runningCommands: [String] { children.withLock { $0.values.map(\.command) } }

    /// SIGKILL to every recorded child (used when tearing down: pg_ctl must not go on to start).
    static func killChildren() {
        for child in children.withLock({ Array($0.values) }) where !child.isServer && child.identity.isAlive {
            kill(child.identity.pid, SIGKILL)
        }
    }

    // MARK: Processes inside a directory

    /// Pids of processes (other than this one) whose current directory is `directory` or
    /// below it, or whose command line names a path there. A deleted directory still counts
    /// ("/path (deleted)").
    public static func processes(under directory: String) -> [Int32] {
        let root = (directory as NSString).standardizingPath
        // Only a real directory of the harness is scanned: never "/" or a path that names
        // nothing (a command line mentioning it must not make a process a target).
        var st = stat()
        guard root.split(separator: "/").count >= 2, lstat(root, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR else {
            return []
        }
        let me = getpid()
        return processIDs().filter { pid in
            guard pid != me else { return false }
            if let cwd = readLink("/proc/\(pid)/cwd") {
                let path = cwd.hasSuffix(" (deleted)") ? String(cwd.dropLast(" (deleted)".count)) : cwd
                if path == root || path.hasPrefix(root + "/") { return ProcessIdentity.isRunning(pid) }
            }
            guard let words = commandLine(of: pid) else { return false }
            return words.contains { $0 == root || $0.hasPrefix(root + "/") } && ProcessIdentity.isRunning(pid)
        }
    }

    /// Every pid in /proc (plain POSIX calls: this runs on every stop, and in signal handling).
    static func processIDs() -> [Int32] {
        guard let dir = opendir("/proc") else { return [] }
        defer { closedir(dir) }
        var pids: [Int32] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if let pid = Int32(name) { pids.append(pid) }
        }
        return pids
    }

    static func readLink(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: 4097)
        let n = readlink(path, &buffer, 4096)
        guard n > 0 else { return nil }
        return String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The words of /proc/PID/cmdline (the first 64 KiB).
    public static func commandLine(of pid: Int32) -> [String]? {
        let fd = open("/proc/\(pid)/cmdline", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var data = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while data.count < 65536 {
            let n = read(fd, &buffer, buffer.count)
            if n <= 0 { break }
            data += buffer[..<n]
        }
        return data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Stops every process under `directory`: SIGQUIT (a postmaster's immediate shutdown),
    /// then SIGKILL after `grace` seconds, scanning again until none is left or `limit`
    /// seconds passed (a postmaster still being started may appear late). Returns the pids seen.
    @discardableResult
    public static func stopProcesses(under directory: String, grace: Double = 2, limit: Double = 10) -> [Int32] {
        var seen: Set<Int32> = []
        let start = Date()
        var firstSeen: [Int32: Date] = [:]
        while Date().timeIntervalSince(start) < limit {
            let now = processes(under: directory)
            if now.isEmpty { break }
            for pid in now {
                seen.insert(pid)
                if let first = firstSeen[pid] {
                    if Date().timeIntervalSince(first) > grace { kill(pid, SIGKILL) }
                } else {
                    firstSeen[pid] = Date()
                    kill(pid, SIGQUIT)
                }
            }
            usleep(10_000)
        }
        return Array(seen)
    }
}
