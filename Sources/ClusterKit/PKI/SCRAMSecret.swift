import COpenSSLShim
import Foundation
import Synchronization

/// A role's SCRAM-SHA-256 secret made here, as `PQencryptPasswordConn` and psql's `\password`
/// make it, instead of by the server from the plain password in `CREATE ROLE`.
///
/// The server derives the secret with 4096 rounds of HMAC-SHA-256 and, on PostgreSQL 15 with
/// OpenSSL 3, that is ~7 ms of its CPU per role; libcrypto's PBKDF2 does it in ~2 ms, and a
/// password already derived in this process costs nothing: groups re-create the same roles
/// ("app" / "app-secret") over and over on reused servers. The stored secret has the same form
/// the server would write (`SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`, a
/// 16-byte salt, PostgreSQL's default 4096 iterations), so logins and `pg_authid` read the same.
/// Only for passwords SASLprep leaves unchanged (printable ASCII); the caller lets the server
/// derive any other.
public enum SCRAMSecret {
    /// PostgreSQL's SCRAM_SHA_256_DEFAULT_ITERATIONS and SCRAM_DEFAULT_SALT_LEN.
    public static let defaultIterations = 4096
    static let saltLength = 16

    private static let made = Mutex<[String: String]>([:])

    /// True when SASLprep leaves `password` as it is, so a secret made from its bytes is the
    /// one the server would make.
    public static func canDerive(_ password: String) -> Bool {
        !password.isEmpty && password.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
    }

    /// The secret for `password`, made once per process (a random salt, default iterations).
    public static func secret(for password: String) throws -> String {
        if let known = made.withLock({ $0[password] }) { return known }
        var salt = [UInt8](repeating: 0, count: saltLength)
        try OpenSSLError.check(RAND_bytes(&salt, Int32(saltLength)), "make a SCRAM salt")
        let secret = try derive(password: password, salt: salt, iterations: defaultIterations)
        // Two threads may derive at once; the first stored wins, so every caller gets one secret.
        return made.withLock { known in
            if let first = known[password] { return first }
            known[password] = secret
            return secret
        }
    }

    /// The secret for `password` with this salt and iteration count.
    public static func derive(password: String, salt: [UInt8], iterations: Int) throws -> String {
        let bytes = Array(password.utf8)
        var salted = [UInt8](repeating: 0, count: 32)
        try OpenSSLError.check(
            PKCS5_PBKDF2_HMAC(
                bytes.map { CChar(bitPattern: $0) }, Int32(bytes.count), salt, Int32(salt.count), Int32(iterations),
                EVP_sha256(), 32, &salted),
            "derive a SCRAM salted password")
        let clientKey = try hmac(salted, "Client Key")
        let storedKey = try OpenSSLDigest.sha256(Data(clientKey))
        let serverKey = try hmac(salted, "Server Key")
        func b64(_ b: [UInt8]) -> String { Data(b).base64EncodedString() }
        return "SCRAM-SHA-256$\(iterations):\(b64(salt))$\(b64(storedKey)):\(b64(serverKey))"
    }

    private static func hmac(_ key: [UInt8], _ message: String) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let text = Array(message.utf8)
        guard HMAC(EVP_sha256(), key, Int32(key.count), text, text.count, &out, &length) != nil else {
            throw OpenSSLError.failure("compute a SCRAM HMAC")
        }
        return Array(out.prefix(Int(length)))
    }
}
