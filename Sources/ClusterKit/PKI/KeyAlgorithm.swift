/// The kinds of private key the harness can make.
///
/// EC P-256 is the default because it costs well under a millisecond to generate, where
/// RSA-2048 costs tens to hundreds; the other kinds exist for the cases that need them
/// (a server that only offers RSA, Ed25519 support in the TLS stack, RSA-PSS certificates).
public enum KeyAlgorithm: Codable, Hashable, Sendable, CustomStringConvertible {
    case ecP256
    case ecP384
    case rsa(bits: Int)
    case rsaPSS(bits: Int)
    case ed25519

    public static let rsa2048 = KeyAlgorithm.rsa(bits: 2048)
    public static let rsa3072 = KeyAlgorithm.rsa(bits: 3072)
    public static let rsa4096 = KeyAlgorithm.rsa(bits: 4096)

    public var description: String {
        switch self {
        case .ecP256: "EC P-256"
        case .ecP384: "EC P-384"
        case .rsa(let bits): "RSA \(bits)"
        case .rsaPSS(let bits): "RSA-PSS \(bits)"
        case .ed25519: "Ed25519"
        }
    }

    /// Ed25519 signs the message itself (no separate digest); everything else uses SHA-256.
    var signsWithDigest: Bool { self != .ed25519 }
}
