import COpenSSLShim
import Foundation

/// SHA-256 through libcrypto (Foundation on Linux has none; swift-crypto is not a dependency).
enum OpenSSLDigest {
    static func sha256(_ data: Data) throws -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let status = data.withUnsafeBytes { bytes in
            EVP_Digest(bytes.baseAddress, bytes.count, &digest, &length, EVP_sha256(), nil)
        }
        try OpenSSLError.check(status, "compute a SHA-256 digest")
        return Array(digest.prefix(Int(length)))
    }
}
