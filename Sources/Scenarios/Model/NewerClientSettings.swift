/// `sslcertmode` (libpq 16+): whether libpq may, must or must not send its certificate.
public enum SSLCertMode: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    case disable, allow, require
    public var description: String { "sslcertmode=\(rawValue)" }
}

/// `sslnegotiation` (libpq 17+): SSLRequest first (`postgres`) or a TLS ClientHello at once (`direct`).
public enum SSLNegotiation: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    case postgres, direct
    public var description: String { "sslnegotiation=\(rawValue)" }
}

/// The client keywords only newer libpq releases know, as the model sees them. nil = not
/// given (libpq's default); a value is handed to libpq whatever its release, so an older
/// libpq answers with its own "invalid connection option".
public struct NewerClientSettings: Sendable, Hashable, Codable {
    /// `sslrootcert=system` (16+: the system's trusted roots; before: a file named `system`).
    public var systemRoots: Bool
    public var certMode: SSLCertMode?
    /// `require_auth`, e.g. `scram-sha-256`.
    public var requireAuth: String?
    public var negotiation: SSLNegotiation?

    public init(
        systemRoots: Bool = false, certMode: SSLCertMode? = nil, requireAuth: String? = nil,
        negotiation: SSLNegotiation? = nil
    ) {
        self.systemRoots = systemRoots
        self.certMode = certMode
        self.requireAuth = requireAuth
        self.negotiation = negotiation
    }

    public var isEmpty: Bool { self == NewerClientSettings() }

    /// The keywords given, with the libpq major that introduced each, in the order the
    /// probe hands them to libpq (the first unknown one is the one libpq names).
    var keywords: [(keyword: String, since: Int)] {
        var out: [(String, Int)] = []
        if certMode != nil { out.append(("sslcertmode", 16)) }
        if requireAuth != nil { out.append(("require_auth", 16)) }
        if negotiation != nil { out.append(("sslnegotiation", 17)) }
        return out
    }

    /// For case ids.
    var parts: [String] {
        var p: [String] = []
        if systemRoots { p.append("sslrootcert=system") }
        if let certMode { p.append(certMode.description) }
        if let requireAuth { p.append("require_auth=\(requireAuth)") }
        if let negotiation { p.append(negotiation.description) }
        return p
    }
}
