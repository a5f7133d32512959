/// What the impostor saw on one client connection, from its own side of the wire.
public struct ImpostorCapture: Sendable, Hashable, Codable, CustomStringConvertible {
    /// How far the client got before the connection ended.
    public enum Stage: String, Sendable, Hashable, Codable {
        /// The client aborted the TLS handshake (it refused the certificate).
        case tlsRefused = "tls-refused"
        /// TLS finished, then the client hung up without a startup packet (libpq's host name check runs after the handshake).
        case closedAfterHandshake = "closed-after-handshake"
        /// The client read the authentication request and hung up without answering.
        case refusedAuthentication = "refused-authentication"
        /// The client answered the authentication request: a password or a SASL first message.
        case answered
        /// Anything else (timeouts, protocol errors): `detail` says what.
        case other
    }

    /// 1-based, in arrival order within one run.
    public var connection: Int
    /// The client sent SSLRequest (whether or not the handshake then succeeded).
    public var sslRequested = false
    /// The negotiated protocol; nil when there was no TLS session (not asked for, or refused).
    public var tlsProtocol: String?
    public var tlsCipher: String?
    public var stage: Stage
    /// user, database, application_name, ... as sent in the startup packet.
    public var startupParameters: [String: String]
    /// What the impostor asked for: "cleartext password" or "SASL SCRAM-SHA-256".
    public var authenticationRequest: String?
    /// The cleartext password, when the client sent one.
    public var password: String?
    /// The SASL mechanism the client chose and its first message (no password in it).
    public var saslMechanism: String?
    public var saslFirstMessage: String?
    /// OpenSSL's reason for a refused handshake, or what ended the connection otherwise.
    public var detail: String?

    public var user: String? { startupParameters["user"] }
    public var database: String? { startupParameters["database"] }
    public var encrypted: Bool { tlsProtocol != nil }

    public var description: String {
        var parts = ["#\(connection)", tlsProtocol ?? (sslRequested ? "TLS" : "cleartext"), stage.rawValue]
        if let user { parts.append("user=\(user)") }
        if let password { parts.append("password=\(password)") }
        if let saslMechanism { parts.append("sasl=\(saslMechanism)") }
        if let detail { parts.append(detail) }
        return parts.joined(separator: " ")
    }
}
