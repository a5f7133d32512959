import Foundation
import Synchronization

/// A loopback TCP port this process holds for one cluster.
///
/// Several test processes run at once (CI, developers running four `swift test`s). A port
/// is ours only while we hold an flock on `<base>/ports/<port>.lock`: the kernel drops the
/// lock when the process dies, so a crashed run never blocks a port for long. The port is
/// also test-bound on 127.0.0.1 before it is handed out, to skip ports other software uses.
public final class PortReservation: Sendable {
    public let port: Int
    private let lockFD: Int32
    private let lockPath: String

    private init(port: Int, lockFD: Int32, lockPath: String) {
        self.port = port
        self.lockFD = lockFD
        self.lockPath = lockPath
    }

    /// The lock file is removed while still locked, then closed: a run that opened the
    /// same file meanwhile sees (after its own flock) that the path no longer names its
    /// file and tries again, so removing never lets two runs hold one port.
    deinit {
        PortReservation.held.withLock { _ = $0.remove(lockPath) }
        unlink(lockPath)
        close(lockFD)
    }

    /// Lock files this process holds, for the signal and exit path (where no deinit runs).
    private static let held = Mutex<Set<String>>([])

    /// Removes the lock files this process holds (they stay locked until the process ends).
    static func removeHeldLockFiles() {
        for path in held.withLock({ $0 }) { unlink(path) }
    }

    /// Removes lock files nobody holds (left by a killed run): each is locked first and
    /// checked to still be the file at that path, as an acquirer would.
    static func removeStaleLockFiles(in lockDirectory: String) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: lockDirectory) else { return }
        for name in names where name.hasSuffix(".lock") {
            let path = "\(lockDirectory)/\(name)"
            let fd = open(path, O_RDWR | O_CLOEXEC)
            guard fd >= 0 else { continue }
            var held = stat()
            var named = stat()
            if flock(fd, LOCK_EX | LOCK_NB) == 0, fstat(fd, &held) == 0, stat(path, &named) == 0,
                held.st_ino == named.st_ino
            {
                unlink(path)
            }
            close(fd)
        }
    }

    /// Reserves `port`, or a random free one in 20000..<60000 when nil.
    static func reserve(in workspace: Workspace, port wanted: Int? = nil, attempts: Int = 200) throws -> PortReservation
    {
        if let wanted {
            guard (1...65535).contains(wanted) else { throw ClusterKitError.invalidPort(port: wanted) }
            guard let reservation = tryReserve(port: wanted, lockDirectory: workspace.base + "/ports") else {
                throw ClusterKitError.portInUse(port: wanted)
            }
            return reservation
        }
        for _ in 0..<attempts {
            let candidate = Int.random(in: 20000..<60000)
            if let reservation = tryReserve(port: candidate, lockDirectory: workspace.base + "/ports") {
                return reservation
            }
        }
        throw ClusterKitError.noFreePort(attempts: attempts)
    }

    private static func tryReserve(port: Int, lockDirectory: String) -> PortReservation? {
        let path = "\(lockDirectory)/\(port).lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return nil }
        var held = stat()
        var named = stat()
        guard flock(fd, LOCK_EX | LOCK_NB) == 0, fstat(fd, &held) == 0, stat(path, &named) == 0,
            held.st_ino == named.st_ino, held.st_dev == named.st_dev
        else {
            close(fd)
            return nil
        }
        guard isBindable(port: port) else {
            unlink(path)  // ours (locked and checked): taken by other software, not by a run
            close(fd)
            return nil
        }
        PortReservation.held.withLock { _ = $0.insert(path) }
        return PortReservation(port: port, lockFD: fd, lockPath: path)
    }

    /// True when nothing listens on 127.0.0.1:port right now.
    static func isBindable(port: Int) -> Bool {
        let sock = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard sock >= 0 else { return false }
        defer { close(sock) }
        var one: Int32 = 1
        // Match the server: postgres sets SO_REUSEADDR, so TIME_WAIT leftovers do not count.
        setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(sock, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        return result == 0
    }
}
