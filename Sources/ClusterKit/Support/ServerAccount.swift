import Foundation

/// The operating-system account that owns a cluster's files and runs its processes.
///
/// initdb and postgres refuse to run as root. When the harness runs as root (as CI does)
/// the server runs as the package's `postgres` user (or PGSSLMATRIX_SERVER_USER); when it
/// runs as anybody else, the server runs as that user. Files the server must read (data
/// directory, server key) are owned by this account; files the client reads stay with us.
public struct ServerAccount: Sendable, Equatable {
    public let name: String
    public let uid: uid_t
    public let gid: gid_t

    /// True when the harness must switch user to start server processes.
    public var needsSwitch: Bool { uid != geteuid() }

    public static func current(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> ServerAccount {
        if geteuid() != 0 {
            let pw = getpwuid(geteuid())
            let name = pw.map { String(cString: $0.pointee.pw_name) } ?? "uid\(geteuid())"
            return ServerAccount(name: name, uid: geteuid(), gid: getegid())
        }
        let name = environment["PGSSLMATRIX_SERVER_USER"].flatMap { $0.isEmpty ? nil : $0 } ?? "postgres"
        guard let pw = getpwnam(name) else { throw ClusterKitError.noUnprivilegedUser(name: name) }
        if pw.pointee.pw_uid == 0 { throw ClusterKitError.noUnprivilegedUser(name: name) }
        return ServerAccount(name: name, uid: pw.pointee.pw_uid, gid: pw.pointee.pw_gid)
    }
}
