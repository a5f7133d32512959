/// The certificate set the matrix draws from: three CAs, server and client leaves for every
/// chain and host-name case, CRLs, and the files (with key-encoding and permission variants)
/// a scenario names.
///
/// Data-driven: every leaf is one row in `serverRows`/`clientRows`, so adding a case is one
/// line, and scenario code refers to objects by the names below rather than by paths.
/// File names: `<certificate>.crt` (leaf only) and `<certificate>.key` for every certificate;
/// the remaining files are listed in `Files`.
public enum StandardPKI {
    public static let rootCA = "root-ca"
    public static let intermediateCA = "intermediate-ca"
    public static let unrelatedCA = "unrelated-ca"

    /// Server leaves. All carry the configured host name unless the case is about names.
    public enum Server: String, CaseIterable, Codable, Hashable, Sendable {
        case signedByRoot = "server-root"
        case signedByIntermediate = "server-intermediate"
        case selfSigned = "server-self-signed"
        case signedByUnrelatedCA = "server-unrelated-ca"
        case expired = "server-expired"
        case notYetValid = "server-not-yet-valid"
        case revoked = "server-revoked"
        case revokedByIntermediate = "server-intermediate-revoked"
        case commonNameOnly = "server-cn-only"
        case sanDNS = "server-san-dns"
        case wildcardSAN = "server-wildcard-san"
        case sanIP = "server-san-ip"
        case commonNameIP = "server-cn-ip"
        case noNames = "server-no-names"
        case wrongName = "server-wrong-name"
    }

    /// Client leaves other than the per-user ones (`client(user:)`); CN is the first user
    /// unless the case is about the CN.
    public enum Client: String, CaseIterable, Codable, Hashable, Sendable {
        case wrongCommonName = "client-wrong-cn"
        case untrustedCA = "client-untrusted-ca"
        case expired = "client-expired"
        case revoked = "client-revoked"
        case emailCommonName = "client-email-cn"
        case signedByIntermediate = "client-intermediate"
    }

    /// `client-<user>`: issued by the root, CN = user.
    public static func client(user: String) -> String { "client-\(user)" }

    /// Names of the files that are not simply `<certificate>.crt` / `<certificate>.key`.
    public enum Files {
        public static let rootCA = "root-ca.crt"
        public static let rootCADER = "root-ca.der"
        public static let intermediateCA = "intermediate-ca.crt"
        public static let unrelatedCA = "unrelated-ca.crt"
        public static let rootAndIntermediate = "root+intermediate.crt"
        public static let intermediateAndRoot = "intermediate+root.crt"
        /// Leaf + intermediate, what a server presents (`ssl_cert_file`) or a client sends.
        public static let serverChain = "server-intermediate.chain.crt"
        public static let clientChain = "client-intermediate.chain.crt"
        public static let rootCRL = "root.crl"
        public static let rootCRLDER = "root.crl.der"
        public static let intermediateCRL = "intermediate.crl"
        public static let rootAndIntermediateCRL = "root+intermediate.crl"
        public static let expiredRootCRL = "root-expired.crl"
        /// Hashed CRLs only (`ssl_crl_dir`, `sslcrldir`).
        public static let crlDirectory = "crl-dir"
        /// Hashed CA certificates and CRLs (`openssl verify -CApath`).
        public static let caDirectory = "ca-dir"

        /// A key-file variant of a certificate's key: `<certificate>.<variant>.key`.
        public static func key(_ certificate: String, _ variant: KeyVariant) -> String {
            "\(certificate).\(variant.rawValue).key"
        }
    }

    /// Key files written for `server-root` and the first user's client certificate.
    public enum KeyVariant: String, CaseIterable, Codable, Hashable, Sendable {
        case pkcs8Encrypted = "pkcs8-encrypted"
        case traditional
        case traditionalEncrypted = "traditional-encrypted"
        case der
        case mode0644 = "mode-0644"
        case mode0640 = "mode-0640"
        /// Server only: owned by root, group = server account, 0640 (PostgreSQL accepts it).
        case rootOwned0640 = "root-0640"
    }

    public struct Options: Codable, Hashable, Sendable {
        public var keyAlgorithm: KeyAlgorithm
        /// Database users with a `client-<user>` certificate; the first is "the" client.
        public var users: [String]
        /// The name clients use in `host` (verify-full checks it).
        public var hostName: String
        /// `*.<domain>` goes into the wildcard certificate; connect to `db.<domain>`.
        public var wildcardDomain: String
        public var passphrase: String

        public init(
            keyAlgorithm: KeyAlgorithm = .ecP256, users: [String] = ["alice", "bob"], hostName: String = "localhost",
            wildcardDomain: String = "pg-ssl-matrix.test", passphrase: String = "matrix-passphrase"
        ) {
            self.keyAlgorithm = keyAlgorithm
            self.users = users.isEmpty ? ["alice"] : users
            self.hostName = hostName
            self.wildcardDomain = wildcardDomain
            self.passphrase = passphrase
        }
    }

    struct Row {
        var name: String
        var issuer: String?
        var subject: DistinguishedName
        var names: [SubjectAlternativeName] = []
        var validity: Validity = .current()
    }

    static func serverRows(_ o: Options) -> [Row] {
        let host = DistinguishedName([("O", "pg-ssl-matrix"), ("CN", o.hostName)])
        let hostSAN: [SubjectAlternativeName] = [.dns(o.hostName)]
        let leaf = DistinguishedName([("O", "pg-ssl-matrix"), ("CN", "pg-server")])
        return [
            Row(name: Server.signedByRoot.rawValue, issuer: rootCA, subject: host, names: hostSAN),
            Row(name: Server.signedByIntermediate.rawValue, issuer: intermediateCA, subject: host, names: hostSAN),
            Row(name: Server.selfSigned.rawValue, issuer: nil, subject: host, names: hostSAN),
            Row(name: Server.signedByUnrelatedCA.rawValue, issuer: unrelatedCA, subject: host, names: hostSAN),
            Row(name: Server.expired.rawValue, issuer: rootCA, subject: host, names: hostSAN, validity: .expired),
            Row(
                name: Server.notYetValid.rawValue, issuer: rootCA, subject: host, names: hostSAN, validity: .notYetValid
            ),
            Row(name: Server.revoked.rawValue, issuer: rootCA, subject: host, names: hostSAN),
            Row(name: Server.revokedByIntermediate.rawValue, issuer: intermediateCA, subject: host, names: hostSAN),
            Row(name: Server.commonNameOnly.rawValue, issuer: rootCA, subject: .commonName(o.hostName)),
            Row(name: Server.sanDNS.rawValue, issuer: rootCA, subject: leaf, names: hostSAN),
            Row(
                name: Server.wildcardSAN.rawValue, issuer: rootCA, subject: leaf, names: [.dns("*.\(o.wildcardDomain)")]
            ),
            Row(
                name: Server.sanIP.rawValue, issuer: rootCA, subject: leaf,
                names: [.ipAddress("127.0.0.1"), .ipAddress("::1")]),
            Row(name: Server.commonNameIP.rawValue, issuer: rootCA, subject: .commonName("127.0.0.1")),
            Row(name: Server.noNames.rawValue, issuer: rootCA, subject: .empty),
            Row(
                name: Server.wrongName.rawValue, issuer: rootCA, subject: .commonName("wrong.example"),
                names: [.dns("wrong.example")]),
        ]
    }

    static func clientRows(_ o: Options) -> [Row] {
        let user = o.users[0]
        let cn = DistinguishedName([("O", "pg-ssl-matrix"), ("CN", user)])
        return o.users.map {
            Row(
                name: client(user: $0), issuer: rootCA,
                subject: DistinguishedName([("O", "pg-ssl-matrix"), ("CN", $0)]))
        } + [
            Row(name: Client.wrongCommonName.rawValue, issuer: rootCA, subject: .commonName("mallory")),
            Row(name: Client.untrustedCA.rawValue, issuer: unrelatedCA, subject: cn),
            Row(name: Client.expired.rawValue, issuer: rootCA, subject: cn, validity: .expired),
            Row(name: Client.revoked.rawValue, issuer: rootCA, subject: cn),
            Row(name: Client.emailCommonName.rawValue, issuer: rootCA, subject: .commonName("\(user)@example.com")),
            Row(name: Client.signedByIntermediate.rawValue, issuer: intermediateCA, subject: cn),
        ]
    }
}
