import COpenSSLShim
import Foundation

/// An owned `X509_CRL`, signed by a CA's key. Immutable once issued.
final class OpenSSLCRL: @unchecked Sendable {
    let raw: OpaquePointer

    private init(owning raw: OpaquePointer) { self.raw = raw }
    deinit { X509_CRL_free(raw) }

    /// A v2 CRL listing `revokedSerials`, with an authority key identifier and CRL number
    /// (OpenSSL's CRL checks match the CRL to its issuer by name and, when present, key id).
    static func issue(
        issuer: OpenSSLCertificate, key: OpenSSLKey, revokedSerials: [[UInt8]], revocationDate: Date,
        lastUpdate: Date, nextUpdate: Date, number: Int, label: String
    ) throws -> OpenSSLCRL {
        OpenSSLError.clearQueue()
        let what = "issue the CRL '\(label)'"
        let crl = OpenSSLCRL(owning: try OpenSSLError.require(X509_CRL_new(), what))
        try OpenSSLError.check(X509_CRL_set_version(crl.raw, 1), what)
        try OpenSSLError.check(X509_CRL_set_issuer_name(crl.raw, X509_get_subject_name(issuer.raw)), what + " (issuer)")
        let last = try OpenSSLASN1.newTime(lastUpdate, what)
        defer { ASN1_TIME_free(last) }
        let next = try OpenSSLASN1.newTime(nextUpdate, what)
        defer { ASN1_TIME_free(next) }
        try OpenSSLError.check(X509_CRL_set1_lastUpdate(crl.raw, last), what + " (lastUpdate)")
        try OpenSSLError.check(X509_CRL_set1_nextUpdate(crl.raw, next), what + " (nextUpdate)")
        let revoked = try OpenSSLASN1.newTime(revocationDate, what)
        defer { ASN1_TIME_free(revoked) }
        for serial in revokedSerials {
            let entry = try OpenSSLError.require(X509_REVOKED_new(), what)
            let number = try OpenSSLASN1.integer(serial)
            defer { ASN1_INTEGER_free(number) }
            guard X509_REVOKED_set_serialNumber(entry, number) == 1,
                X509_REVOKED_set_revocationDate(entry, revoked) == 1,
                X509_CRL_add0_revoked(crl.raw, entry) == 1
            else {
                X509_REVOKED_free(entry)
                throw OpenSSLError.failure(what + " (revoked entry)")
            }
        }
        try OpenSSLError.check(X509_CRL_sort(crl.raw), what + " (sort)")
        var ctx = X509V3_CTX()
        X509V3_set_ctx(&ctx, issuer.raw, nil, nil, crl.raw, 0)
        let akid = try OpenSSLError.require(
            X509V3_EXT_conf(nil, &ctx, "authorityKeyIdentifier", "keyid:always"), what + " (authorityKeyIdentifier)")
        defer { X509_EXTENSION_free(akid) }
        try OpenSSLError.check(X509_CRL_add_ext(crl.raw, akid, -1), what + " (authorityKeyIdentifier)")
        let crlNumber = try OpenSSLASN1.integer(withUnsafeBytes(of: UInt64(number).bigEndian) { Array($0) })
        defer { ASN1_INTEGER_free(crlNumber) }
        try OpenSSLError.check(X509_CRL_add1_ext_i2d(crl.raw, NID_crl_number, crlNumber, 0, 0), what + " (crlNumber)")
        try OpenSSLError.check(X509_CRL_sign(crl.raw, key.raw, key.signingDigest), what + " (signature)")
        return crl
    }

    func pem() throws -> Data {
        try OpenSSLBIO.collect("write a CRL as PEM") { PEM_write_bio_X509_CRL($0, raw) }
    }

    func der() throws -> Data {
        try OpenSSLBIO.collect("write a CRL as DER") { i2d_X509_CRL_bio($0, raw) }
    }

    /// X509_NAME_hash of the issuer: the `<hash>.rN` file name stem `openssl rehash` uses.
    var issuerHash: UInt { UInt(X509_NAME_hash_ex(X509_CRL_get_issuer(raw), nil, nil, nil)) }
}
