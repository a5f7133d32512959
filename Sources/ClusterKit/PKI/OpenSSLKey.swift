import COpenSSLShim
import Foundation

/// An owned `EVP_PKEY` holding a private key.
///
/// Immutable after generation; OpenSSL 3 allows concurrent signing and encoding with one
/// `EVP_PKEY`, which is why the class can be shared across threads (`@unchecked Sendable`).
final class OpenSSLKey: @unchecked Sendable {
    let raw: OpaquePointer
    let algorithm: KeyAlgorithm

    private init(owning raw: OpaquePointer, algorithm: KeyAlgorithm) {
        self.raw = raw
        self.algorithm = algorithm
    }

    deinit { EVP_PKEY_free(raw) }

    /// Generates a fresh key with the EVP_PKEY_CTX API (EVP_PKEY_Q_keygen is variadic).
    static func generate(_ algorithm: KeyAlgorithm) throws -> OpenSSLKey {
        OpenSSLError.clearQueue()
        let what = "generate a \(algorithm) key"
        let typeName: String
        switch algorithm {
        case .ecP256, .ecP384: typeName = "EC"
        case .rsa: typeName = "RSA"
        case .rsaPSS: typeName = "RSA-PSS"
        case .ed25519: typeName = "ED25519"
        }
        let ctx = try OpenSSLError.require(EVP_PKEY_CTX_new_from_name(nil, typeName, nil), what)
        defer { EVP_PKEY_CTX_free(ctx) }
        try OpenSSLError.check(EVP_PKEY_keygen_init(ctx), what)
        switch algorithm {
        case .ecP256: try OpenSSLError.check(EVP_PKEY_CTX_set_group_name(ctx, "P-256"), what)
        case .ecP384: try OpenSSLError.check(EVP_PKEY_CTX_set_group_name(ctx, "P-384"), what)
        case .rsa(let bits), .rsaPSS(let bits):
            guard (1024...16384).contains(bits) else {
                throw ClusterKitError.pkiSpecInvalid(reason: "RSA key size \(bits) is outside 1024...16384")
            }
            try OpenSSLError.check(EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, Int32(bits)), what)
        case .ed25519: break
        }
        var key: OpaquePointer? = nil
        try OpenSSLError.check(EVP_PKEY_generate(ctx, &key), what)
        return OpenSSLKey(owning: try OpenSSLError.require(key, what), algorithm: algorithm)
    }

    /// The SubjectPublicKeyInfo in DER (what identifies the key inside certificates).
    func publicKeyDER() throws -> Data {
        try OpenSSLBIO.collect("encode a public key") { i2d_PUBKEY_bio($0, raw) }
    }

    /// The digest to sign with: SHA-256, or none for Ed25519 (which signs the message itself).
    var signingDigest: OpaquePointer? { algorithm.signsWithDigest ? EVP_sha256() : nil }

    /// The private key as PEM in the requested encoding.
    func pem(_ encoding: PrivateKeyEncoding) throws -> Data {
        OpenSSLError.clearQueue()
        let what = "write the \(algorithm) private key as PEM"
        switch encoding {
        case .pkcs8:
            return try OpenSSLBIO.collect(what) { PEM_write_bio_PrivateKey($0, raw, nil, nil, 0, nil, nil) }
        case .pkcs8Encrypted(let passphrase):
            return try OpenSSLBIO.collect(what) { bio in
                PEM_write_bio_PKCS8PrivateKey(
                    bio, raw, EVP_aes_256_cbc(), passphrase, Int32(passphrase.utf8.count), nil, nil)
            }
        case .traditional:
            try requireTraditionalForm()
            return try OpenSSLBIO.collect(what) { PEM_write_bio_PrivateKey_traditional($0, raw, nil, nil, 0, nil, nil) }
        case .traditionalEncrypted(let passphrase):
            try requireTraditionalForm()
            let bytes = Array(passphrase.utf8)
            return try OpenSSLBIO.collect(what) { bio in
                PEM_write_bio_PrivateKey_traditional(bio, raw, EVP_aes_256_cbc(), bytes, Int32(bytes.count), nil, nil)
            }
        }
    }

    /// The private key as DER: PKCS#8 (optionally encrypted) or the traditional structure.
    func der(_ encoding: PrivateKeyEncoding) throws -> Data {
        OpenSSLError.clearQueue()
        let what = "write the \(algorithm) private key as DER"
        switch encoding {
        case .pkcs8:
            return try OpenSSLBIO.collect(what) { i2d_PKCS8PrivateKey_bio($0, raw, nil, nil, 0, nil, nil) }
        case .pkcs8Encrypted(let passphrase):
            return try OpenSSLBIO.collect(what) { bio in
                i2d_PKCS8PrivateKey_bio(bio, raw, EVP_aes_256_cbc(), passphrase, Int32(passphrase.utf8.count), nil, nil)
            }
        case .traditional:
            try requireTraditionalForm()
            return try OpenSSLBIO.collect(what) { i2d_PrivateKey_bio($0, raw) }
        case .traditionalEncrypted:
            throw ClusterKitError.pkiSpecInvalid(
                reason: "a traditional DER private key cannot be encrypted; use PEM or PKCS#8")
        }
    }

    /// Only RSA and EC keys have a pre-PKCS#8 form; OpenSSL would silently write PKCS#8.
    private func requireTraditionalForm() throws {
        switch algorithm {
        case .rsa, .ecP256, .ecP384: return
        case .rsaPSS, .ed25519:
            throw ClusterKitError.pkiSpecInvalid(
                reason: "\(algorithm) keys have no traditional (BEGIN RSA/EC PRIVATE KEY) form; use PKCS#8")
        }
    }
}
