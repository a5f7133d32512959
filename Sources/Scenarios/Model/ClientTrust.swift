/// What libpq's `sslrootcert` points at.
public enum ClientTrust: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// An explicit path that does not exist (`{rootcert}` in messages).
    case missingFile = "missing-file"
    case root
    /// One file holding root + intermediate.
    case rootAndIntermediate = "root+intermediate"
    /// Only the intermediate: OpenSSL does not accept partial chains by default.
    case intermediateOnly = "intermediate-only"
    /// A CA that issued nothing on the server side.
    case unrelatedCA = "unrelated-ca"
    /// `sslrootcert` not given: libpq uses `~/.postgresql/root.crt`, absent in the hermetic probe.
    case defaultAbsent = "default-absent"

    public var description: String { rawValue }

    /// Whether libpq finds a file to load (stat() succeeds).
    public var fileExists: Bool { self != .missingFile && self != .defaultAbsent }

    /// The path placeholder libpq prints for a missing file.
    public var pathPlaceholder: String {
        self == .defaultAbsent ? "{home}/.postgresql/root.crt" : "{rootcert}"
    }
}

/// Client `sslcrl` / `sslcrldir`. "issuer" = the CRL of the CA that issued the server leaf;
/// "all" = CRLs of every CA in the server chain (root and, if used, intermediate).
/// A directory must be in OpenSSL hashed form (`<hash>.r0`).
public enum ClientCRL: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    case none
    case issuerFile = "crl-issuer-file"
    case issuerDir = "crl-issuer-dir"
    case allFile = "crl-all-file"
    case allDir = "crl-all-dir"
    public var description: String { rawValue }
    public var isSet: Bool { self != .none }
    public var coversAllCAs: Bool { self == .allFile || self == .allDir }
}
