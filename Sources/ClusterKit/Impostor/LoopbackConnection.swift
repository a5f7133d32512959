import Foundation

/// One accepted TCP connection with read and write timeouts, so a peer that stops talking
/// can never hold the impostor (or a test) beyond `timeout`.
public final class LoopbackConnection: ByteStream {
    let descriptor: Int32

    init(descriptor: Int32, timeout: Duration) {
        self.descriptor = descriptor
        var tv = timeval(
            tv_sec: Int(timeout.components.seconds),
            tv_usec: Int(timeout.components.attoseconds / 1_000_000_000_000))
        _ = setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        _ = setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var one: Int32 = 1
        _ = setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    deinit { Glibc.close(descriptor) }

    public func read(upTo maximum: Int) throws -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: max(1, maximum))
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if n >= 0 { return Array(buffer[0..<n]) }
            if errno == EINTR { continue }
            if errno == ECONNRESET { return [] }
            throw ClusterKitError.socketFailed(
                operation: "read",
                reason: LoopbackConnection.lastErrorWasTimeout() ? "timed out" : String(cString: strerror(errno)))
        }
    }

    public func write(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes {
                send(descriptor, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw ClusterKitError.socketFailed(operation: "write", reason: String(cString: strerror(errno)))
            }
            offset += n
        }
    }

    /// Whether the last failed call on this thread ran into SO_RCVTIMEO/SO_SNDTIMEO.
    static func lastErrorWasTimeout() -> Bool { errno == EAGAIN || errno == EWOULDBLOCK }
}
