import Foundation

/// What one probe saw, from both ends: libpq's verdict and the server's log lines for it.
///
/// Plain data (Sendable, Codable) so the matrix can store, diff and report it; `description`
/// reads like what a DBA would want in a bug report.
public struct Outcome: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Result: Sendable, Hashable, Codable {
        case accepted(Session)
        case rejected(Rejection)
        /// The probe refused to connect because the result would not be hermetic
        /// (a libpq default file exists on this machine).
        case notAttempted(reason: String)
    }

    public let parameters: ConnectionParameters
    /// The `cluster_name` the probe was pointed at (nil: not checked).
    public let expectedCluster: String?
    public let result: Result
    /// One entry per TCP socket libpq opened, in order (allow/prefer: up to two), each with
    /// the server log lines written for it.
    public let sockets: [Socket]
    /// Wall time of the libpq connect (+ queries for an accepted session), without the log wait.
    public let connectMilliseconds: Double
    /// Time spent waiting for the server's log lines to be complete.
    public let logWaitMilliseconds: Double
    /// The libpq, libssl and libcrypto the client process really mapped for this case.
    public var clientLibraries: ClientLibraries? = nil
    /// A driver probe's account of the case (what it passed its driver, what it could not).
    public var driver: DriverCaseDetail? = nil

    public var session: Session? {
        if case .accepted(let s) = result { return s }
        return nil
    }

    public var rejection: Rejection? {
        if case .rejected(let r) = result { return r }
        return nil
    }

    public var isAccepted: Bool { session != nil }

    /// Set when the server that answered is not the expected cluster: such an outcome says
    /// nothing about the scenario and must not be compared with an expectation.
    public var wrongServer: String? {
        guard let expectedCluster, let found = session?.server.clusterName, found != expectedCluster else { return nil }
        return "expected cluster_name '\(expectedCluster)', the server says '\(found)'"
    }

    /// Every server log line paired with this probe, in order.
    public var serverLog: [LogLine] { sockets.flatMap(\.serverLog) }

    // MARK: Accepted

    public struct Session: Sendable, Hashable, Codable {
        /// PQsslInUse and PQsslAttribute("protocol"/"cipher"/"key_bits").
        public let client: ClientTLS
        /// pg_stat_ssl joined with pg_stat_activity for this backend, plus cluster_name.
        public let server: ServerView
        /// The sslinfo extension's functions, when the extension is installed in `dbname`.
        public let sslinfo: SSLInfo?
        public let currentUser: String
        public let sessionUser: String
        public let authentication: Authentication
        /// Set when the connection was accepted but the view queries failed.
        public let queryError: String?
    }

    public struct ClientTLS: Sendable, Hashable, Codable {
        public let encrypted: Bool
        public let `protocol`: String?
        public let cipher: String?
        public let keyBits: Int?
        public let library: String?
    }

    public struct ServerView: Sendable, Hashable, Codable {
        public let ssl: Bool
        public let version: String?
        public let cipher: String?
        public let bits: Int?
        public let clientDN: String?
        public let clientSerial: String?
        public let issuerDN: String?
        public let user: String?
        public let applicationName: String?
        public let clientAddress: String?
        /// pg_stat_activity.client_port: must equal the probe's local port.
        public let clientPort: Int?
        public let clusterName: String?
        public let backendPID: Int?
    }

    public struct SSLInfo: Sendable, Hashable, Codable {
        public let isUsed: Bool
        public let version: String?
        public let cipher: String?
        public let clientCertPresent: Bool
        public let clientSerial: String?
        public let clientDN: String?
        public let issuerDN: String?
    }

    /// How the client authenticated.
    ///
    /// libpq 15 has no API for the SASL mechanism, and the server logs none (its
    /// "connection authenticated" line says `method=scram-sha-256` with or without channel
    /// binding). The mechanism comes from libpq's own protocol trace of the message it sent
    /// (see `ProtocolTrace` for how, and its limits); `channelBindingUsed` is nil when that
    /// could not be read, never a guess. libpq enforces binding itself for
    /// `channel_binding=require`, which tests use to cross-check this signal.
    public struct Authentication: Sendable, Hashable, Codable {
        /// The pg_hba method from the server's "connection authenticated: identity=... method=..."
        /// log line (absent for trust, which sets no identity).
        public let method: String?
        /// The identity the server authenticated (same line).
        public let identity: String?
        /// "SCRAM-SHA-256" or "SCRAM-SHA-256-PLUS"; nil without SASL or when unreadable.
        public let saslMechanism: String?
        /// PQconnectionUsedPassword.
        public let usedPassword: Bool

        /// true/false when known; nil when a SCRAM exchange happened but its mechanism could
        /// not be read. Without SCRAM (trust, cert, md5, password) binding cannot happen.
        public var channelBindingUsed: Bool? {
            switch saslMechanism {
            case "SCRAM-SHA-256-PLUS": return true
            case "SCRAM-SHA-256": return false
            case nil:
                if let method, method != "scram-sha-256" { return false }
                if method == nil && !usedPassword { return false }
                return nil
            default: return nil
            }
        }
    }

    // MARK: Rejected

    public struct Rejection: Sendable, Hashable, Codable {
        /// PQerrorMessage verbatim.
        public let errorMessage: String
        /// `errorMessage` split per attempt (allow/prefer and multi-host print one block each).
        public let attempts: [FailedAttempt]
        /// The probe's own bound (connect_timeout per socket wait) ended the attempt.
        public let timedOut: Bool
    }

    public struct FailedAttempt: Sendable, Hashable, Codable, CustomStringConvertible {
        /// `connection to server at "127.0.0.1", port 5432 failed: ` (or "" when libpq
        /// failed before any connection, e.g. an invalid sslmode).
        public let prefix: String
        /// The rest, verbatim without the trailing newline ("FATAL:  no pg_hba.conf ...").
        public let message: String
        /// "FATAL" when the message came from the server (libpq prints "SEVERITY:  text").
        public let severity: String?
        /// The message without the severity label.
        public let text: String
        /// The ErrorResponse's SQLSTATE, read from libpq's protocol trace (no libpq 15 API
        /// gives it for a failed connection); nil for client-side failures.
        public let sqlstate: String?

        public var description: String { prefix + message }
    }

    // MARK: Both

    public struct Socket: Sendable, Hashable, Codable {
        public let localPort: Int
        /// The backend that served this socket, from the log prefix.
        public let serverPID: Int?
        public let serverLog: [LogLine]
        /// True when the backend had exited (so wrote everything) before the log was read.
        public let logComplete: Bool
        /// libpq had an SSL object on this socket at some point (PQsslInUse/PQsslStruct
        /// sampled after every PQconnectPoll step): the attempt negotiated, or tried, TLS.
        public var tls: Bool = false

        public init(localPort: Int, serverPID: Int?, serverLog: [LogLine], logComplete: Bool, tls: Bool = false) {
            self.localPort = localPort
            self.serverPID = serverPID
            self.serverLog = serverLog
            self.logComplete = logComplete
            self.tls = tls
        }
    }

    public struct LogLine: Sendable, Hashable, Codable, CustomStringConvertible {
        public let pid: Int?
        public let severity: String?
        public let message: String
        /// The SQLSTATE the server logged with the line (`%e`), nil when unknown.
        public var sqlstate: String? = nil
        public var description: String { severity.map { "\($0):  \(message)" } ?? message }

        public init(pid: Int?, severity: String?, message: String, sqlstate: String? = nil) {
            self.pid = pid
            self.severity = severity
            self.message = message
            self.sqlstate = sqlstate
        }
    }
}
