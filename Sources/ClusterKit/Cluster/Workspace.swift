import Foundation
import Synchronization

/// Where this process keeps its throwaway clusters, and the janitor for ones a dead run left.
///
/// Layout (base = PGSSLMATRIX_TMPDIR, else /dev/shm when it is a writable tmpfs, else the
/// temp dir; copying a data dir is ~10x faster on tmpfs):
///
///     <base>/pg-ssl-matrix-<uid>/           0711, shared by this user's concurrent runs
///         ports/<port>.lock                 flock'ed while a cluster owns the port
///         run-<pid>-<starttime>/            0711, one per process; the name is the owner record
///             template-<major>/             initdb'ed once per installation per run
///             <cluster>/                    0700, owned by the server account: data/, sock/, server.log, files/
///             client/                       0700, ours: material the client side reads
///
/// A run directory whose owner (pid + kernel start time, so a recycled pid does not count)
/// is gone is an orphan: its postmasters are stopped and the directory removed by the next
/// run that starts. Live clusters are also stopped on SIGINT/SIGTERM and at exit.
public final class Workspace: Sendable {
    public let base: String
    public let runDirectory: String
    public let clientDirectory: String
    public let account: ServerAccount
    /// Run directories of dead processes that this workspace cleaned up when it was made.
    public let reapedAtStart: [String]

    private static let sharedInstance = Mutex<Workspace?>(nil)

    /// The process-wide workspace, created (and orphans reaped) on first use.
    public static func shared() throws -> Workspace {
        try sharedInstance.withLock { current in
            if let current { return current }
            let ws = try Workspace()
            current = ws
            return ws
        }
    }

    init(environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        account = try ServerAccount.current(environment: environment)
        let root = Workspace.chooseRoot(environment: environment)
        base = root + "/pg-ssl-matrix-\(geteuid())"
        let me = ProcessIdentity.current
        runDirectory = "\(base)/run-\(me.pid)-\(me.startTime)"
        try EnvironmentCheck.check(root: root, base: base, runDirectory: runDirectory, account: account)
        try SecureFiles.makeDirectory(base, mode: 0o711)
        try SecureFiles.makeDirectory(base + "/ports", mode: 0o711)
        try EnvironmentCheck.checkOwnBase(base)
        clientDirectory = runDirectory + "/client"
        reapedAtStart = Workspace.reapOrphans(in: base)
        try SecureFiles.makeDirectory(runDirectory, mode: 0o711)
        try SecureFiles.makeDirectory(clientDirectory, mode: 0o700)
        LiveServers.installHandlers(runDirectory: runDirectory)
    }

    static func chooseRoot(environment: [String: String]) -> String {
        if let explicit = environment["PGSSLMATRIX_TMPDIR"], !explicit.isEmpty {
            return (explicit as NSString).standardizingPath
        }
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: "/dev/shm", isDirectory: &isDir), isDir.boolValue,
            access("/dev/shm", W_OK) == 0
        {
            return "/dev/shm"
        }
        let tmp = environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        return (tmp as NSString).standardizingPath
    }

    /// A fresh directory for one cluster, owned by the server account, mode 0700.
    func makeClusterDirectory(named name: String) throws -> String {
        let dir = "\(runDirectory)/\(name)"
        try SecureFiles.makeDirectory(dir, mode: 0o700, owner: account)
        return dir
    }

    // MARK: Orphans

    /// Stops the postmasters of dead runs and removes their directories. Returns what it reaped.
    @discardableResult
    public static func reapOrphans(in base: String) -> [String] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: base) else { return [] }
        var reaped: [String] = []
        for entry in entries where entry.hasPrefix("run-") {
            let parts = entry.split(separator: "-")
            guard parts.count == 3, let pid = Int32(parts[1]), let start = UInt64(parts[2]) else { continue }
            if ProcessIdentity(pid: pid, startTime: start).isAlive { continue }
            let runDir = "\(base)/\(entry)"
            Postmaster.stopEverything(under: runDir, dataDirectories: dataDirectories(under: runDir))
            SecureFiles.remove(runDir)
            reaped.append(runDir)
        }
        PortReservation.removeStaleLockFiles(in: base + "/ports")
        return reaped
    }

    static func dataDirectories(under runDir: String) -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: runDir) else { return [] }
        return names.map { "\(runDir)/\($0)/data" }.filter {
            FileManager.default.fileExists(atPath: "\($0)/postmaster.pid")
        }
    }
}

/// A process named by pid and kernel start time, so a recycled pid is not mistaken for it.
public struct ProcessIdentity: Sendable, Equatable {
    let pid: Int32
    let startTime: UInt64

    static var current: ProcessIdentity {
        let pid = getpid()
        return ProcessIdentity(pid: pid, startTime: startTime(of: pid) ?? 0)
    }

    var isAlive: Bool {
        guard ProcessIdentity.isRunning(pid), let actual = ProcessIdentity.startTime(of: pid) else { return false }
        return actual == startTime
    }

    /// True when `pid` exists and is not a zombie. kill(pid, 0) is not enough: a postmaster
    /// whose parent (pg_ctl) is gone is reparented to init, and where init does not reap
    /// (containers), it stays a zombie that kill(0) still reports as present.
    public static func isRunning(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return false }
        let state = stat[stat.index(after: close)...].drop { $0 == " " }.first
        return state != nil && state != "Z" && state != "X"
    }

    /// Field 22 of /proc/PID/stat (clock ticks since boot).
    static func startTime(of pid: Int32) -> UInt64? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // fields[0] is field 3 (state); field 22 is fields[19].
        guard fields.count > 19 else { return nil }
        return UInt64(fields[19])
    }
}
