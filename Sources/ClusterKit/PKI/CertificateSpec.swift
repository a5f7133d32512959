/// One certificate, as data: its key, issuer and contents, by name.
///
/// `issuer == nil` means self-signed. Extensions are written only when asked for (a `nil`
/// field is omitted), so a test can build the odd certificates real deployments have:
/// a CA without keyUsage, a leaf without EKU, a server certificate with no names at all.
/// Use the `rootCA`, `intermediateCA`, `server` and `client` profiles for the usual shapes.
public struct CertificateSpec: Codable, Hashable, Sendable {
    public var name: String
    /// Name of a `KeySpec` in the same `PKISpec`.
    public var key: String
    /// Name of the issuing certificate in the same `PKISpec`; nil for self-signed.
    public var issuer: String?
    public var subject: DistinguishedName
    public var subjectAlternativeNames: [SubjectAlternativeName]
    public var validity: Validity
    public var basicConstraints: BasicConstraints?
    public var keyUsage: [KeyUsage]?
    public var extendedKeyUsage: [ExtendedKeyUsage]?
    public var subjectKeyIdentifier: Bool
    public var authorityKeyIdentifier: Bool
    /// A fixed serial (hex). By default serials are derived from the issuer, the spec and
    /// the run's `now`, which makes them unique per CA without a counter.
    public var serialHex: String?

    public init(
        name: String, key: String, issuer: String?, subject: DistinguishedName,
        subjectAlternativeNames: [SubjectAlternativeName] = [], validity: Validity = .current(),
        basicConstraints: BasicConstraints? = nil, keyUsage: [KeyUsage]? = nil,
        extendedKeyUsage: [ExtendedKeyUsage]? = nil, subjectKeyIdentifier: Bool = true,
        authorityKeyIdentifier: Bool = true, serialHex: String? = nil
    ) {
        self.name = name
        self.key = key
        self.issuer = issuer
        self.subject = subject
        self.subjectAlternativeNames = subjectAlternativeNames
        self.validity = validity
        self.basicConstraints = basicConstraints
        self.keyUsage = keyUsage
        self.extendedKeyUsage = extendedKeyUsage
        self.subjectKeyIdentifier = subjectKeyIdentifier
        self.authorityKeyIdentifier = authorityKeyIdentifier
        self.serialHex = serialHex
    }

    /// A self-signed CA (CA:TRUE, keyCertSign + cRLSign).
    public static func rootCA(
        name: String, key: String, subject: DistinguishedName, validity: Validity = .current(days: 3650)
    ) -> CertificateSpec {
        CertificateSpec(
            name: name, key: key, issuer: nil, subject: subject, validity: validity,
            basicConstraints: .certificateAuthority(pathLength: nil), keyUsage: [.keyCertSign, .cRLSign])
    }

    /// A CA issued by `issuer`, with a path length (0: may issue only leaves).
    public static func intermediateCA(
        name: String, key: String, issuer: String, subject: DistinguishedName, pathLength: Int? = 0,
        validity: Validity = .current(days: 1825)
    ) -> CertificateSpec {
        CertificateSpec(
            name: name, key: key, issuer: issuer, subject: subject, validity: validity,
            basicConstraints: .certificateAuthority(pathLength: pathLength), keyUsage: [.keyCertSign, .cRLSign])
    }

    /// A TLS server leaf (CA:FALSE, digitalSignature + keyEncipherment, EKU serverAuth).
    public static func server(
        name: String, key: String, issuer: String?, subject: DistinguishedName,
        subjectAlternativeNames: [SubjectAlternativeName] = [], validity: Validity = .current()
    ) -> CertificateSpec {
        CertificateSpec(
            name: name, key: key, issuer: issuer, subject: subject, subjectAlternativeNames: subjectAlternativeNames,
            validity: validity, basicConstraints: .endEntity, keyUsage: [.digitalSignature, .keyEncipherment],
            extendedKeyUsage: [.serverAuth])
    }

    /// A TLS client leaf (CA:FALSE, digitalSignature + keyEncipherment, EKU clientAuth).
    public static func client(
        name: String, key: String, issuer: String?, subject: DistinguishedName, validity: Validity = .current()
    ) -> CertificateSpec {
        CertificateSpec(
            name: name, key: key, issuer: issuer, subject: subject, validity: validity,
            basicConstraints: .endEntity, keyUsage: [.digitalSignature, .keyEncipherment],
            extendedKeyUsage: [.clientAuth])
    }

    /// The X509V3 configuration lines, in the order OpenSSL needs (SKI before AKI).
    func extensionLines() throws -> [(name: String, value: String)] {
        var lines: [(name: String, value: String)] = []
        if let basicConstraints { lines.append(("basicConstraints", basicConstraints.configValue)) }
        if let keyUsage, !keyUsage.isEmpty {
            lines.append(("keyUsage", "critical," + keyUsage.map(\.rawValue).joined(separator: ",")))
        }
        if let extendedKeyUsage, !extendedKeyUsage.isEmpty {
            lines.append(("extendedKeyUsage", extendedKeyUsage.map(\.rawValue).joined(separator: ",")))
        }
        if !subjectAlternativeNames.isEmpty {
            if let bad = subjectAlternativeNames.first(where: {
                $0.value.contains(",") || $0.value.isEmpty || ConfigGrammar.controlCharacter(in: $0.value) != nil
            }) {
                throw ClusterKitError.pkiSpecInvalid(
                    reason:
                        "certificate '\(name)': subjectAltName '\(ConfigGrammar.escaped(bad.configValue))' is empty or contains a comma or a control character (OpenSSL's configuration syntax would cut or split it)"
                )
            }
            lines.append(("subjectAltName", subjectAlternativeNames.map(\.configValue).joined(separator: ",")))
        }
        if subjectKeyIdentifier { lines.append(("subjectKeyIdentifier", "hash")) }
        if authorityKeyIdentifier { lines.append(("authorityKeyIdentifier", "keyid:always")) }
        return lines
    }
}
