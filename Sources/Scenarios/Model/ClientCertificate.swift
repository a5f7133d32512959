/// The client certificate and key handed to libpq (`sslcert`, `sslkey`, `sslpassword`).
/// Every certificate is issued by the root CA unless its case says otherwise.
public enum ClientCertificate: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    case none
    /// CN equals the connecting role.
    case validCNUser = "cn=user"
    /// CN = `someone-else`.
    case cnNotUser = "cn!=user"
    /// CN = `<user>@example.com`, for ident maps.
    case mappedCN = "cn=mapped"
    /// Issued by an unrelated CA the server does not trust.
    case untrustedCA = "untrusted-ca"
    case expired
    /// Listed in the root CA's CRL, which the server loads as ssl_crl_file / ssl_crl_dir.
    case revoked
    /// Key encrypted; `sslpassword` right.
    case encryptedKeyRightPassword = "encrypted-key/right-password"
    /// Key encrypted; `sslpassword` wrong.
    case encryptedKeyWrongPassword = "encrypted-key/wrong-password"
    /// Key encrypted; `sslpassword` not given (no terminal, stdin at EOF).
    case encryptedKeyNoPassword = "encrypted-key/no-password"
    /// Key file mode 0644, owned by the client user.
    case keyWorldReadable = "key-0644"
    /// Key file mode 0640, owned by a non-root client user.
    case keyGroupReadableUser = "key-0640-user"
    /// Key file mode 0640, owned by root (libpq accepts this since the 2022 minor releases).
    case keyGroupReadableRoot = "key-0640-root"
    /// sslcert and sslkey from different key pairs (same key type).
    case mismatchedKey = "mismatched-key"
    /// Leaf issued by the intermediate; sslcert holds leaf + intermediate.
    case leafPlusIntermediate = "leaf+intermediate"
    /// Leaf issued by the intermediate; sslcert holds only the leaf.
    case intermediateLeafOnly = "intermediate-leaf-only"
    /// Issued by the root, CN = user, extendedKeyUsage serverAuth only (no clientAuth).
    case noClientAuth = "no-client-auth"

    public var description: String { rawValue }

    /// Common name written in the certificate for a given role.
    public func commonName(for user: String) -> String? {
        switch self {
        case .none: return nil
        case .cnNotUser: return "someone-else"
        case .mappedCN: return "\(user)@example.com"
        default: return user
        }
    }

    /// Subject DN as PostgreSQL prints it (RFC 2253, X509_NAME_print_ex XN_FLAG_RFC2253):
    /// the PKI issues subjects with a CN only.
    public func distinguishedName(for user: String) -> String? {
        commonName(for: user).map { "CN=\($0)" }
    }

    public var issuedByIntermediate: Bool { self == .leafPlusIntermediate || self == .intermediateLeafOnly }

    /// The CA that issues this certificate in the matrix PKI.
    public var issuer: MatrixCA {
        if self == .untrustedCA { return .unrelated }
        return issuedByIntermediate ? .intermediate : .root
    }

    /// The name the matrix PKI gives this certificate for `user` (what its serial is known
    /// by in a run's `PKIMaterial`).
    public func pkiName(for user: String) -> String {
        "client-\(user)-\(Self.fileSafe(rawValue))"
    }

    /// Letters, digits and '-' kept; anything else becomes '_' (file and PKI names).
    static func fileSafe(_ s: String) -> String {
        String(s.map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "_" })
    }
}
