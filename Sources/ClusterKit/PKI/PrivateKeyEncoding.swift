/// How a private key is written to a file.
///
/// PostgreSQL and libpq read both PKCS#8 ("BEGIN PRIVATE KEY" / "BEGIN ENCRYPTED PRIVATE
/// KEY") and the older per-algorithm form ("BEGIN RSA PRIVATE KEY", "BEGIN EC PRIVATE KEY",
/// encrypted with a Proc-Type/DEK-Info header); both are in the field, so both are tested.
/// Encryption uses AES-256-CBC in either form.
public enum PrivateKeyEncoding: Codable, Hashable, Sendable {
    case pkcs8
    case pkcs8Encrypted(passphrase: String)
    case traditional
    case traditionalEncrypted(passphrase: String)

    public var passphrase: String? {
        switch self {
        case .pkcs8, .traditional: nil
        case .pkcs8Encrypted(let passphrase), .traditionalEncrypted(let passphrase): passphrase
        }
    }
}
