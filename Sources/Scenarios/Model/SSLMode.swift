/// libpq's `sslmode` connection parameter (libpq docs 34.19.1 "SSL Mode Descriptions").
public enum SSLMode: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    case disable
    case allow
    case prefer
    case require
    case verifyCA = "verify-ca"
    case verifyFull = "verify-full"

    public var description: String { rawValue }

    /// Modes that refuse to continue without SSL (no fallback, fe-connect.c CONNECTION_SSL_STARTUP).
    public var requiresSSL: Bool { self == .require || self == .verifyCA || self == .verifyFull }

    /// Modes that fail when the root certificate file is missing (fe-secure-openssl.c initialize_SSL, `sslmode[0] == 'v'`).
    public var verifiesServer: Bool { self == .verifyCA || self == .verifyFull }
}

/// libpq's `channel_binding` parameter (PG 13+).
public enum ChannelBinding: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    case disable, prefer, require
    public var description: String { rawValue }
}
