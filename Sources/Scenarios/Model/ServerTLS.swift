/// TLS protocol versions as named by ssl_min/max_protocol_version and libpq's ssl_min/max_protocol_version.
public enum TLSVersion: String, Sendable, Hashable, Codable, CaseIterable, Comparable, CustomStringConvertible {
    case tls10 = "TLSv1"
    case tls11 = "TLSv1.1"
    case tls12 = "TLSv1.2"
    case tls13 = "TLSv1.3"
    public var description: String { rawValue }
    var rank: Int { TLSVersion.allCases.firstIndex(of: self)! }
    public static func < (a: TLSVersion, b: TLSVersion) -> Bool { a.rank < b.rank }
}

/// Server `ssl_ciphers` values the matrix uses. Only TLS <= 1.2 suites are affected.
public enum CipherList: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// PostgreSQL's default.
    case postgresDefault = "HIGH:MEDIUM:+3DES:!aNULL"
    case strict = "HIGH:!aNULL:!MD5:!3DES:!RC4:!DES:!IDEA:!RC2"
    public var description: String { self == .postgresDefault ? "ciphers-default" : "ciphers-strict" }
}

/// How the server key is protected.
public enum ServerKeyPassphrase: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// Unencrypted key, no ssl_passphrase_command.
    case none
    /// Encrypted key; ssl_passphrase_command prints the right passphrase.
    case commandRight = "passphrase-command"
    /// Same, with ssl_passphrase_command_supports_reload = on.
    case commandRightReload = "passphrase-command+reload"
    /// Encrypted key; the command prints a wrong passphrase.
    case commandWrong = "passphrase-command-wrong"
    public var description: String { rawValue }
}

/// Server `ssl_ca_file`: which CAs the server trusts for client certificates.
public enum ServerCAFile: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    case none = "ca-none"
    case root = "ca-root"
    case rootAndIntermediate = "ca-root+intermediate"
    public var description: String { rawValue }
}

/// Server `ssl_crl_file` / `ssl_crl_dir` holding the root CA's CRL.
public enum ServerCRL: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    case none = "server-crl-none"
    case file = "server-crl-file"
    case dir = "server-crl-dir"
    public var description: String { rawValue }
}

/// The TLS part of postgresql.conf.
public struct ServerTLS: Sendable, Hashable, Codable, CustomStringConvertible {
    public var ssl: Bool
    /// nil = PostgreSQL default (TLSv1.2 since PG 12).
    public var minProtocol: TLSVersion?
    /// nil = '' (no maximum).
    public var maxProtocol: TLSVersion?
    public var ciphers: CipherList
    public var preferServerCiphers: Bool
    /// ssl_ecdh_curve (default prime256v1).
    public var ecdhCurve: String
    public var passphrase: ServerKeyPassphrase
    public var caFile: ServerCAFile
    public var crl: ServerCRL

    public init(
        ssl: Bool = true, minProtocol: TLSVersion? = nil, maxProtocol: TLSVersion? = nil,
        ciphers: CipherList = .postgresDefault, preferServerCiphers: Bool = true,
        ecdhCurve: String = "prime256v1", passphrase: ServerKeyPassphrase = .none,
        caFile: ServerCAFile = .root, crl: ServerCRL = .none
    ) {
        self.ssl = ssl
        self.minProtocol = minProtocol
        self.maxProtocol = maxProtocol
        self.ciphers = ciphers
        self.preferServerCiphers = preferServerCiphers
        self.ecdhCurve = ecdhCurve
        self.passphrase = passphrase
        self.caFile = caFile
        self.crl = crl
    }

    public static let `default` = ServerTLS()

    /// The effective minimum (GUC default TLSv1.2).
    public var effectiveMin: TLSVersion { minProtocol ?? .tls12 }
    /// The effective maximum ('' = highest the library supports, TLSv1.3 with OpenSSL 3).
    public var effectiveMax: TLSVersion { maxProtocol ?? .tls13 }

    /// Only the settings that differ from the defaults, e.g. `ssl=off`, `min=TLSv1.3`.
    public var description: String {
        var p: [String] = []
        if !ssl { p.append("ssl=off") }
        if let minProtocol { p.append("min=\(minProtocol)") }
        if let maxProtocol { p.append("max=\(maxProtocol)") }
        if ciphers != .postgresDefault { p.append(ciphers.description) }
        if !preferServerCiphers { p.append("prefer-server-ciphers=off") }
        if ecdhCurve != "prime256v1" { p.append("curve=\(ecdhCurve)") }
        if passphrase != .none { p.append(passphrase.description) }
        if caFile != .root { p.append(caFile.description) }
        if crl != .none { p.append(crl.description) }
        return p.isEmpty ? "tls-default" : p.joined(separator: ",")
    }
}
