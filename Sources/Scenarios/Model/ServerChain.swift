/// How the server's certificate (ssl_cert_file) is issued. Names are covered by `ServerNames`.
public enum ServerChain: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// Leaf signed directly by the root CA.
    case rootSigned = "root-signed"
    /// Leaf signed by an intermediate; ssl_cert_file holds leaf + intermediate, so the server sends both.
    case intermediateBundled = "intermediate-bundled"
    /// Leaf signed by an intermediate; ssl_cert_file holds only the leaf.
    case intermediateUnbundled = "intermediate-unbundled"
    /// Self-signed leaf (its own issuer, not a CA the client trusts).
    case selfSigned = "self-signed"
    /// Leaf from a CA unrelated to the client's trust store.
    case unrelatedCA = "unrelated-ca"
    /// Leaf signed by the root, notAfter in the past.
    case expired
    /// Leaf signed by the root, notBefore in the future.
    case notYetValid = "not-yet-valid"
    /// Leaf signed by the root and listed in the root's CRL.
    case revoked
    /// A forged chain: the leaf names the root CA as its issuer (same subject, no authority key
    /// identifier) but is signed by another key, so the trusted root's signature check fails.
    case forgedRoot = "forged-root"
    /// Leaf signed by the root whose extendedKeyUsage is clientAuth only (no serverAuth).
    case noServerAuth = "no-server-auth"

    public var description: String { rawValue }

    /// Whether the chain is in the big sslmode x hba x trust products; the PKI-realism chains
    /// run in their own smaller product (`MatrixDefinition.pkiRealismProduct`).
    public var inMainProduct: Bool { self != .forgedRoot && self != .noServerAuth }

    /// Whether the leaf is issued by the intermediate CA.
    public var issuedByIntermediate: Bool { self == .intermediateBundled || self == .intermediateUnbundled }
}

/// The names in the server leaf and the host name the client verifies against.
/// The client always routes with `hostaddr=127.0.0.1` and passes `host=clientHost`.
public enum ServerNames: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// CN=db.example.test, SAN DNS:db.example.test. Host db.example.test.
    case standard
    /// CN=db.example.test, no SAN. Host db.example.test.
    case cnOnly = "cn-only"
    /// CN=server-cn.example.test, SAN DNS:db.example.test. Host db.example.test (the SAN wins, CN ignored).
    case sanDNS = "san-dns"
    /// CN=wildcard.example.test, SAN DNS:*.example.test. Host db.example.test.
    case wildcardSAN = "wildcard-san"
    /// CN=db.example.test, SAN IP:127.0.0.1. Host 127.0.0.1.
    case sanIP = "san-ip"
    /// CN=127.0.0.1, no SAN. Host 127.0.0.1.
    case cnIP = "cn-ip"
    /// No CN (subject O=pg-ssl-matrix only), no SAN. Host db.example.test.
    case noNames = "no-names"
    /// CN=other.example.test, no SAN. Host db.example.test.
    case mismatch
    /// CN=other.example.test, SAN DNS:other.example.test, DNS:alt.example.test. Host db.example.test.
    case mismatchMultiple = "mismatch-multiple"

    public var description: String { rawValue }

    /// `host=` given to libpq (for verification and the error prefix only when no hostaddr).
    public var clientHost: String {
        switch self {
        case .sanIP, .cnIP: return "127.0.0.1"
        default: return "db.example.test"
        }
    }

    /// Subject CN of the leaf, if any.
    public var commonName: String? {
        switch self {
        case .standard, .cnOnly, .sanIP: return "db.example.test"
        case .sanDNS: return "server-cn.example.test"
        case .wildcardSAN: return "wildcard.example.test"
        case .cnIP: return "127.0.0.1"
        case .noNames: return nil
        case .mismatch, .mismatchMultiple: return "other.example.test"
        }
    }

    /// subjectAltName entries in certificate order.
    public var subjectAltNames: [SubjectAltName] {
        switch self {
        case .standard: return [.dns("db.example.test")]
        case .sanDNS: return [.dns("db.example.test")]
        case .wildcardSAN: return [.dns("*.example.test")]
        case .sanIP: return [.ip("127.0.0.1")]
        case .mismatchMultiple: return [.dns("other.example.test"), .dns("alt.example.test")]
        case .cnOnly, .cnIP, .noNames, .mismatch: return []
        }
    }
}

/// A subjectAltName entry of the kinds libpq checks (dNSName, iPAddress).
public enum SubjectAltName: Sendable, Hashable, Codable, CustomStringConvertible {
    case dns(String)
    case ip(String)
    public var description: String {
        switch self {
        case .dns(let n): return "DNS:\(n)"
        case .ip(let a): return "IP:\(a)"
        }
    }
}
