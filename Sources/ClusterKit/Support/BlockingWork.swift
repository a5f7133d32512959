import Dispatch

/// Runs blocking C calls (libpq connects and queries) off Swift's cooperative pool.
///
/// The cooperative pool has one thread per core (two here); a libpq connect that blocks
/// for a TLS handshake would stall every other task. GCD's concurrent queue grows threads
/// for blocked work, so many probes can wait on sockets at once.
public enum BlockingWork {
    private static let queue = DispatchQueue(label: "pg-ssl-matrix.blocking", attributes: .concurrent)

    public static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try body() }) }
        }
    }
}
