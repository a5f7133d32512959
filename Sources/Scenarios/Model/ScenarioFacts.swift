/// What a scenario file's real objects decide where the matrix's named shapes (`ServerChain`,
/// `ServerNames`, `ClientCertificate`) cannot say it: derived by `FileModelTranslator` from
/// the file's own certificates, CRLs and files, and read by the same predictor rules.
///
/// A matrix scenario has none (`Scenario.facts == nil`): its shapes answer the same
/// questions. Each field is the answer to one question libpq or the server asks, so the
/// rules stay the ones the matrix proves; only where the answer comes from differs.
public struct ScenarioFacts: Sendable, Hashable, Codable {
    /// X509_verify_cert of the server chain (the certificates the server sends) against the
    /// client's sslrootcert and CRLs; nil when it verifies.
    public var serverChainFailure: ChainFailure?
    /// X509_verify_cert of the client chain (the certificates in sslcert) against the
    /// server's ssl_ca_file and ssl_crl_file/ssl_crl_dir; nil when it verifies.
    public var clientChainFailure: ChainFailure?
    /// The server leaf's subject CN and subjectAltNames (dNSName, iPAddress) in certificate order.
    public var serverCommonName: String?
    public var serverSubjectAltNames: [SubjectAltName]
    /// `host=` as the client gives it (what verify-full compares and messages quote).
    public var host: String
    /// The client leaf's CN and its subject DN as the server prints it (RFC 2253); nil when
    /// no certificate is sent.
    public var clientCommonName: String?
    public var clientDistinguishedName: String?
    /// Whether the server key signs with RSA (RSA or RSA-PSS): TLS 1.2 then negotiates an
    /// ECDHE-RSA suite instead of ECDHE-ECDSA.
    public var serverKeyIsRSA: Bool
    /// be-secure-common.c check_ssl_key_file_permissions refuses ssl_key_file (group or
    /// world access beyond what its owner allows): FATAL at start.
    public var serverKeyAccessRefused = false
    /// The host name libpq resolved itself (no hostaddr) to 127.0.0.1: its error prefix
    /// then names both (emitHostIdentityInfo). nil when hostaddr is given.
    public var resolvedHostName: String? = nil
    /// Client keywords given a value libpq does not accept (`raw:` in a file), keyword to value.
    public var invalidClientOptions: [String: String] = [:]

    public init(
        serverChainFailure: ChainFailure?, clientChainFailure: ChainFailure?, serverCommonName: String?,
        serverSubjectAltNames: [SubjectAltName], host: String, clientCommonName: String?,
        clientDistinguishedName: String?, serverKeyIsRSA: Bool
    ) {
        self.serverChainFailure = serverChainFailure
        self.clientChainFailure = clientChainFailure
        self.serverCommonName = serverCommonName
        self.serverSubjectAltNames = serverSubjectAltNames
        self.host = host
        self.clientCommonName = clientCommonName
        self.clientDistinguishedName = clientDistinguishedName
        self.serverKeyIsRSA = serverKeyIsRSA
    }
}
