/// One certificate revocation list, as data: the CA that signs it and the certificates it
/// revokes, named, so the spec never carries serials (which are only known once issued).
public struct CRLSpec: Codable, Hashable, Sendable {
    public var name: String
    /// Name of the issuing CA certificate in the same `PKISpec`.
    public var issuer: String
    /// Names of revoked certificates; each must be issued by `issuer`. Empty: an empty CRL.
    public var revoked: [String]
    /// lastUpdate/nextUpdate relative to `now`. OpenSSL rejects a CRL whose nextUpdate has
    /// passed ("CRL has expired"), so the default runs 30 days into the future.
    public var validity: Validity
    public var number: Int

    public init(
        name: String, issuer: String, revoked: [String] = [], validity: Validity = .current(days: 30), number: Int = 1
    ) {
        self.name = name
        self.issuer = issuer
        self.revoked = revoked
        self.validity = validity
        self.number = number
    }

    /// A CRL whose nextUpdate lies in the past.
    public static func expired(name: String, issuer: String, revoked: [String] = []) -> CRLSpec {
        CRLSpec(
            name: name, issuer: issuer, revoked: revoked,
            validity: Validity(notBeforeOffset: -31 * Validity.day, notAfterOffset: -Validity.day))
    }
}
