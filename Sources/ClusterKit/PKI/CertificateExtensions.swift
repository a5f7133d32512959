/// basicConstraints as a certificate carries it (always marked critical when present).
public enum BasicConstraints: Codable, Hashable, Sendable {
    case certificateAuthority(pathLength: Int?)
    case endEntity

    var configValue: String {
        switch self {
        case .certificateAuthority(let pathLength?): "critical,CA:TRUE,pathlen:\(pathLength)"
        case .certificateAuthority(nil): "critical,CA:TRUE"
        case .endEntity: "critical,CA:FALSE"
        }
    }
}

/// keyUsage bits, spelled as OpenSSL's configuration spells them.
public enum KeyUsage: String, Codable, Hashable, Sendable, CaseIterable {
    case digitalSignature, nonRepudiation, keyEncipherment, dataEncipherment, keyAgreement
    case keyCertSign, cRLSign, encipherOnly, decipherOnly
}

/// extendedKeyUsage purposes; TLS servers need `serverAuth`, TLS clients `clientAuth`.
public enum ExtendedKeyUsage: String, Codable, Hashable, Sendable, CaseIterable {
    case serverAuth, clientAuth, codeSigning, emailProtection, timeStamping, ocspSigning = "OCSPSigning"
}

/// One subjectAltName entry. IP addresses are text (v4 dotted or v6) as in `openssl -addext`.
public enum SubjectAlternativeName: Codable, Hashable, Sendable, CustomStringConvertible {
    case dns(String)
    case ipAddress(String)
    case email(String)
    case uri(String)

    var configValue: String {
        switch self {
        case .dns(let name): "DNS:\(name)"
        case .ipAddress(let address): "IP:\(address)"
        case .email(let address): "email:\(address)"
        case .uri(let uri): "URI:\(uri)"
        }
    }

    public var description: String { configValue }

    /// The value text; a comma would split OpenSSL's configuration line, so it is refused.
    var value: String {
        switch self {
        case .dns(let v), .ipAddress(let v), .email(let v), .uri(let v): v
        }
    }
}
