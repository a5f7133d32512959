import Foundation

/// A TCP listening socket on 127.0.0.1 only, on a port the kernel picks.
///
/// Together with `LoopbackConnection` this is the package's one wrapper around the POSIX
/// socket calls the impostor needs; nothing else touches sockaddr. It never binds to a
/// routable address: an impostor that could be reached from the network would be a real
/// attack tool, not an experiment.
public final class LoopbackListener: @unchecked Sendable {
    // The descriptor is set once; close() is idempotent behind the lock.
    private let lock = NSLock()
    private var fd: Int32
    public let port: Int

    public init() throws {
        let s = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard s >= 0 else {
            throw ClusterKitError.socketFailed(operation: "create a socket", reason: String(cString: strerror(errno)))
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(s, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(s, 8) == 0 else {
            let reason = String(cString: strerror(errno))
            Glibc.close(s)
            throw ClusterKitError.socketFailed(operation: "listen on 127.0.0.1", reason: reason)
        }
        guard let port = PGConnection.localPort(ofSocket: s) else {
            Glibc.close(s)
            throw ClusterKitError.socketFailed(
                operation: "read the listening port", reason: String(cString: strerror(errno)))
        }
        self.fd = s
        self.port = port
    }

    deinit { close() }

    /// Waits up to `timeout` for a client; nil when none came (or the listener was closed).
    /// The connection's reads and writes time out after `ioTimeout`.
    public func accept(waiting timeout: Duration, ioTimeout: Duration) throws -> LoopbackConnection? {
        let s = lock.withLock { fd }
        guard s >= 0 else { return nil }
        var poller = pollfd(fd: s, events: Int16(POLLIN), revents: 0)
        let ms = Int32(timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
        let ready = poll(&poller, 1, ms)
        if ready <= 0 { return nil }
        let client = Glibc.accept(s, nil, nil)
        guard client >= 0 else {
            if errno == EAGAIN || errno == EINTR || errno == ECONNABORTED { return nil }
            throw ClusterKitError.socketFailed(operation: "accept", reason: String(cString: strerror(errno)))
        }
        _ = fcntl(client, F_SETFD, FD_CLOEXEC)
        return LoopbackConnection(descriptor: client, timeout: ioTimeout)
    }

    public func close() {
        lock.withLock {
            if fd >= 0 { Glibc.close(fd) }
            fd = -1
        }
    }
}
