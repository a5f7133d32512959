import Foundation

/// Everything ClusterKit can refuse or fail at, phrased for the DBA who has to act on it.
///
/// Each case has a stable `code` so tests and scripts can assert on the kind of failure
/// without matching prose; `description` names the problem and the fix.
public enum ClusterKitError: Error, CustomStringConvertible, Equatable, Sendable {
    case noPostgreSQLInstalled(searched: [String])
    case incompleteInstallation(bindir: String, missing: [String])
    case unusableTempDirectory(path: String, reason: String)
    case noUnprivilegedUser(name: String)
    case commandFailed(command: String, status: String, output: String)
    case serverFailedToStart(dataDirectory: String, logLines: [String])
    case portInUse(port: Int)
    case noFreePort(attempts: Int)
    case invalidHBA(problems: [String])
    case reloadRejected(problems: [String])
    case notOurServer(expected: String, found: String)
    case sqlFailed(sql: String, message: String)
    case connectionFailed(message: String)
    case clusterNotRunning(name: String)
    case unreadableFile(path: String, reason: String)
    case invalidSetting(name: String, reason: String)
    /// A value that would not stay one value in the file it is written into (see `ConfigGrammar`).
    case unsafeConfigValue(file: String, field: String, value: String, reason: String)
    /// A setting the harness owns (listen_addresses, port, ...), in any letter case.
    case reservedSetting(name: String)
    /// An SQL identifier or literal that cannot be written faithfully (see `SQLQuoting`).
    case unsafeSQLValue(what: String, value: String, reason: String)
    /// A port outside 1...65535.
    case invalidPort(port: Int)
    /// A child process the harness waited for ran longer than its limit and was killed.
    case commandTimedOut(command: String, seconds: Double)
    /// The harness is shutting down (a signal arrived): nothing new is started.
    case shuttingDown
    // MARK: PKI
    case openSSL(operation: String, reason: String)
    case pkiSpecInvalid(reason: String)
    case unknownPKIName(name: String)
    // MARK: Impostor
    case socketFailed(operation: String, reason: String)

    public var code: String {
        switch self {
        case .noPostgreSQLInstalled: "no-postgresql"
        case .incompleteInstallation: "incomplete-installation"
        case .unusableTempDirectory: "unusable-temp-directory"
        case .noUnprivilegedUser: "no-unprivileged-user"
        case .commandFailed: "command-failed"
        case .serverFailedToStart: "server-failed-to-start"
        case .portInUse: "port-in-use"
        case .noFreePort: "no-free-port"
        case .invalidHBA: "invalid-hba"
        case .reloadRejected: "reload-rejected"
        case .notOurServer: "not-our-server"
        case .sqlFailed: "sql-failed"
        case .connectionFailed: "connection-failed"
        case .clusterNotRunning: "cluster-not-running"
        case .unreadableFile: "unreadable-file"
        case .invalidSetting: "invalid-setting"
        case .unsafeConfigValue: "unsafe-config-value"
        case .reservedSetting: "reserved-setting"
        case .unsafeSQLValue: "unsafe-sql-value"
        case .invalidPort: "invalid-port"
        case .commandTimedOut: "command-timed-out"
        case .shuttingDown: "shutting-down"
        // MARK: PKI
        case .openSSL: "openssl"
        case .pkiSpecInvalid: "pki-spec-invalid"
        case .unknownPKIName: "unknown-pki-name"
        case .socketFailed: "socket-failed"
        }
    }

    public var description: String {
        switch self {
        case .noPostgreSQLInstalled(let searched):
            return "No PostgreSQL server installation found (looked in \(searched.joined(separator: ", "))). "
                + "Install one with `make setup` (apt-get install postgresql), or point to a bindir "
                + "with --pg-bindir or PGSSLMATRIX_BINDIR."
        case .incompleteInstallation(let bindir, let missing):
            return "\(bindir) is not a usable PostgreSQL bindir: \(missing.joined(separator: ", ")) missing. "
                + "Pass the directory that holds initdb, pg_ctl and postgres (e.g. /usr/lib/postgresql/15/bin)."
        case .unusableTempDirectory(let path, let reason):
            return "Cannot use \(path) for throwaway clusters: \(reason). "
                + "Set PGSSLMATRIX_TMPDIR to a writable directory on a local file system."
        case .noUnprivilegedUser(let name):
            return "Running as root, but the unprivileged user '\(name)' that must own the server does not exist. "
                + "Install the postgresql package (it creates 'postgres') or set PGSSLMATRIX_SERVER_USER."
        case .commandFailed(let command, let status, let output):
            return "`\(command)` failed (\(status)):\n\(output)"
        case .serverFailedToStart(let dir, let lines):
            let shown = lines.isEmpty ? "(the server log is empty)" : lines.joined(separator: "\n")
            return "The server for \(dir) did not start. Its log says:\n\(shown)"
        case .portInUse(let port):
            return
                "Port \(port) on 127.0.0.1 is already in use. Choose another port or let the harness pick one (omit --port)."
        case .noFreePort(let attempts):
            return "No free loopback port found after \(attempts) attempts. Stop stray servers (`pgrep -a postgres`)."
        case .invalidHBA(let problems):
            return "The server rejected pg_hba.conf:\n" + problems.joined(separator: "\n")
                + "\nFix the rule (see the PostgreSQL manual, 'The pg_hba.conf File')."
        case .reloadRejected(let problems):
            return "The server did not accept the new configuration and kept its previous one:\n"
                + problems.joined(separator: "\n")
        case .notOurServer(let expected, let found):
            return
                "Connected to a server that is not this run's (expected cluster_name '\(expected)', found '\(found)'). "
                + "Another process took the port; the harness refuses to use it."
        case .sqlFailed(let sql, let message):
            return "SQL failed: \(sql)\n\(message)"
        case .connectionFailed(let message):
            return "Could not connect as the harness superuser: \(message)"
        case .clusterNotRunning(let name):
            return "Cluster \(name) is not running; call start() first."
        case .unreadableFile(let path, let reason):
            return "Cannot read \(path): \(reason). Check the path and its permissions."
        case .invalidSetting(let name, let reason):
            return "Invalid server setting \(name): \(reason)"
        case .unsafeConfigValue(let file, let field, let value, let reason):
            return "Refusing to write \(field) '\(ConfigGrammar.escaped(value))' into \(file): \(reason). "
                + "A value must stay one value in that file; remove the character or quote the value as \(file) does."
        case .reservedSetting(let name):
            return "'\(ConfigGrammar.escaped(name))' is set by the harness (it must reach, and clean up after, its own "
                + "throwaway server); remove it from the scenario's settings."
        case .unsafeSQLValue(let what, let value, let reason):
            return "Cannot use \(what) '\(ConfigGrammar.escaped(value))' in SQL: \(reason)."
        case .invalidPort(let port):
            return "Port \(port) is not a TCP port; give one in 1...65535, or omit --port to let the harness pick one."
        case .commandTimedOut(let command, let seconds):
            return "`\(command)` did not finish within \(Int(seconds)) s and was killed. "
                + "Check that the program is the one you meant and that the machine is not overloaded."
        case .shuttingDown:
            return "The harness is stopping (interrupted); nothing new is started."
        // MARK: PKI
        case .openSSL(let operation, let reason):
            return "OpenSSL failed to \(operation): \(reason)"
        case .pkiSpecInvalid(let reason):
            return "The PKI specification cannot be built: \(reason). Fix the PKISpec (names, issuers, file contents)."
        case .unknownPKIName(let name):
            return "The PKI specification refers to '\(name)', which it does not define. "
                + "Add a key, certificate or CRL with that name, or correct the reference."
        case .socketFailed(let operation, let reason):
            return "The loopback impostor could not \(operation): \(reason)."
        }
    }
}
