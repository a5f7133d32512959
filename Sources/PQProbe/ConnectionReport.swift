import Foundation

/// What one connection attempt saw from the client's side, as plain data: the payload of
/// the client-worker protocol (docs/client-worker-protocol.md) and what the in-process probe
/// produces too, so both paths become the same `Outcome` (ClusterKit's `Outcome.Result(report:)`).
///
/// Driver-neutral on purpose: a later probe written in another language (Python, Java, Go)
/// fills the same fields. Everything is what the client itself observed; pairing with the
/// server's log happens in the parent, by `localPorts`.
public struct ConnectionReport: Codable, Sendable, Hashable {
    public enum Status: String, Codable, Sendable {
        case accepted, rejected
    }

    public var status: Status
    /// PQerrorMessage verbatim (with libpq's trailing newline) when rejected.
    public var errorMessage: String?
    /// The probe's own bound (connect_timeout per socket wait) ended the attempt.
    public var timedOut: Bool
    /// The local port of every socket opened, in order; 0 for a Unix-domain socket.
    public var localPorts: [Int]
    /// Indexes into `localPorts` of the sockets on which TLS was negotiated or tried.
    public var tlsSockets: [Int] = []
    /// ErrorResponses the client received, when it could read their fields (libpq: from its
    /// protocol trace; see `ProtocolTrace` for which ones are traced).
    public var serverErrors: [ProtocolTrace.ServerError]
    /// The client's TLS view of an accepted connection (nil when rejected).
    public var tls: TLS?
    /// "SCRAM-SHA-256" or "SCRAM-SHA-256-PLUS" (channel binding) when the client could tell.
    public var saslMechanism: String?
    /// The server asked the client for a password (PQconnectionUsedPassword).
    public var usedPassword: Bool
    /// The row of `ConnectionAttempt.serverViewSQL` (pg_stat_ssl + pg_stat_activity + users),
    /// SQL NULLs left out; nil when rejected or when the query failed.
    public var serverView: [String: String]?
    /// The row of `ConnectionAttempt.sslinfoSQL` when the sslinfo extension is installed.
    public var sslinfo: [String: String]?
    /// The connection was accepted but the view queries failed.
    public var queryError: String?

    public struct TLS: Codable, Sendable, Hashable {
        public var encrypted: Bool
        public var `protocol`: String?
        public var cipher: String?
        public var keyBits: Int?
        public var library: String?

        public init(encrypted: Bool, protocol: String?, cipher: String?, keyBits: Int?, library: String?) {
            self.encrypted = encrypted
            self.protocol = `protocol`
            self.cipher = cipher
            self.keyBits = keyBits
            self.library = library
        }
    }

    public init(
        status: Status, errorMessage: String? = nil, timedOut: Bool = false, localPorts: [Int] = [],
        serverErrors: [ProtocolTrace.ServerError] = [], tls: TLS? = nil, saslMechanism: String? = nil,
        usedPassword: Bool = false, serverView: [String: String]? = nil, sslinfo: [String: String]? = nil,
        queryError: String? = nil
    ) {
        self.status = status
        self.errorMessage = errorMessage
        self.timedOut = timedOut
        self.localPorts = localPorts
        self.serverErrors = serverErrors
        self.tls = tls
        self.saslMechanism = saslMechanism
        self.usedPassword = usedPassword
        self.serverView = serverView
        self.sslinfo = sslinfo
        self.queryError = queryError
    }

    enum CodingKeys: String, CodingKey {
        case status, errorMessage, timedOut, localPorts, tlsSockets, serverErrors, tls, saslMechanism, usedPassword
        case serverView, sslinfo, queryError
    }

    /// Lenient about what a probe in another language may leave out (lists empty, flags false):
    /// only `status` is required.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        status = try c.decode(Status.self, forKey: .status)
        errorMessage = try c.decodeIfPresent(String.self, forKey: .errorMessage)
        timedOut = try c.decodeIfPresent(Bool.self, forKey: .timedOut) ?? false
        localPorts = try c.decodeIfPresent([Int].self, forKey: .localPorts) ?? []
        tlsSockets = try c.decodeIfPresent([Int].self, forKey: .tlsSockets) ?? []
        serverErrors = try c.decodeIfPresent([ProtocolTrace.ServerError].self, forKey: .serverErrors) ?? []
        tls = try c.decodeIfPresent(TLS.self, forKey: .tls)
        saslMechanism = try c.decodeIfPresent(String.self, forKey: .saslMechanism)
        usedPassword = try c.decodeIfPresent(Bool.self, forKey: .usedPassword) ?? false
        serverView = try c.decodeIfPresent([String: String].self, forKey: .serverView)
        sslinfo = try c.decodeIfPresent([String: String].self, forKey: .sslinfo)
        queryError = try c.decodeIfPresent(String.self, forKey: .queryError)
    }
}
