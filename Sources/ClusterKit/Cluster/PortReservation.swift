import Foundation

/// A loopback TCP port this process holds for one cluster.
///
/// Several test processes run at once (CI, developers running four `swift test`s). A port
/// is ours only while we hold an flock on `<base>/ports/<port>.lock`: the kernel drops the
/// lock when the process dies, so a crashed run never blocks a port for long. The port is
/// also test-bound on 127.0.0.1 before it is handed out, to skip ports other software uses.
public final class PortReservation: Sendable {
    public let port: Int
    private let lockFD: Int32

    private init(port: Int, lockFD: Int32) {
        self.port = port
        self.lockFD = lockFD
    }

    deinit { close(lockFD) }

    /// Reserves `port`, or a random free one in 20000..<60000 when nil.
    static func reserve(in workspace: Workspace, port wanted: Int? = nil, attempts: Int = 200) throws -> PortReservation
    {
        if let wanted {
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
        let fd = open("\(lockDirectory)/\(port).lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return nil }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0, isBindable(port: port) else {
            close(fd)
            return nil
        }
        return PortReservation(port: port, lockFD: fd)
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
