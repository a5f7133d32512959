import COpenSSLShim
import Foundation

/// What `OpenSSLCertificate.issue` needs, already resolved from a `CertificateSpec`:
/// plain values plus the handles of the subject key and the issuer.
struct CertificateRequest {
    var serial: [UInt8]
    var subject: DistinguishedName
    var subjectKey: OpenSSLKey
    /// nil for a self-signed certificate.
    var issuer: (certificate: OpenSSLCertificate, key: OpenSSLKey)?
    var notBefore: Date
    var notAfter: Date
    /// X509V3 configuration lines in order, e.g. ("basicConstraints", "critical,CA:TRUE").
    /// The subject key identifier must come before the authority key identifier.
    var extensions: [(name: String, value: String)]
}

/// An owned `X509`. Immutable once issued or read, so shared freely across threads.
final class OpenSSLCertificate: @unchecked Sendable {
    let raw: OpaquePointer

    init(owning raw: OpaquePointer) { self.raw = raw }
    deinit { X509_free(raw) }

    /// Builds and signs a v3 certificate.
    static func issue(_ request: CertificateRequest, label: String) throws -> OpenSSLCertificate {
        OpenSSLError.clearQueue()
        let what = "issue the certificate '\(label)'"
        let cert = OpenSSLCertificate(owning: try OpenSSLError.require(X509_new(), what))
        let x = cert.raw
        try OpenSSLError.check(X509_set_version(x, 2), what)
        let serial = try OpenSSLASN1.integer(request.serial)
        defer { ASN1_INTEGER_free(serial) }
        try OpenSSLError.check(X509_set_serialNumber(x, serial), what + " (serial)")
        try OpenSSLError.check(X509_set_pubkey(x, request.subjectKey.raw), what + " (public key)")
        try OpenSSLASN1.setTime(X509_getm_notBefore(x), request.notBefore, what)
        try OpenSSLASN1.setTime(X509_getm_notAfter(x), request.notAfter, what)
        try OpenSSLASN1.fill(X509_get_subject_name(x), with: request.subject, what)
        let issuerCert = request.issuer?.certificate.raw ?? x
        let signingKey = request.issuer?.key ?? request.subjectKey
        try OpenSSLError.check(X509_set_issuer_name(x, X509_get_subject_name(issuerCert)), what + " (issuer)")
        var ctx = X509V3_CTX()
        X509V3_set_ctx(&ctx, issuerCert, x, nil, nil, 0)
        for ext in request.extensions {
            let built = try OpenSSLError.require(
                X509V3_EXT_conf(nil, &ctx, ext.name, ext.value), what + " (\(ext.name) = \(ext.value))")
            defer { X509_EXTENSION_free(built) }
            try OpenSSLError.check(X509_add_ext(x, built, -1), what + " (\(ext.name))")
        }
        try OpenSSLError.check(X509_sign(x, signingKey.raw, signingKey.signingDigest), what + " (signature)")
        return cert
    }

    /// Every certificate in `data`: PEM with one or many blocks, or a single DER certificate.
    static func readAll(from data: Data, source: String) throws -> [OpenSSLCertificate] {
        OpenSSLError.clearQueue()
        let bio = try OpenSSLBIO(data: data)
        if data.starts(with: Array("-----".utf8))
            || String(decoding: data.prefix(4096), as: UTF8.self).contains("-----BEGIN")
        {
            var found: [OpenSSLCertificate] = []
            while let x = PEM_read_bio_X509(bio.raw, nil, nil, nil) {
                found.append(OpenSSLCertificate(owning: x))
            }
            // The loop ends on "no start line" at the end of input; that entry is not an error.
            OpenSSLError.clearQueue()
            if found.isEmpty {
                throw ClusterKitError.openSSL(
                    operation: "read certificates from \(source)", reason: "no PEM CERTIFICATE block")
            }
            return found
        }
        let x = try OpenSSLError.require(d2i_X509_bio(bio.raw, nil), "read a DER certificate from \(source)")
        return [OpenSSLCertificate(owning: x)]
    }

    func pem() throws -> Data {
        try OpenSSLBIO.collect("write a certificate as PEM") { PEM_write_bio_X509($0, raw) }
    }

    func der() throws -> Data {
        try OpenSSLBIO.collect("write a certificate as DER") { i2d_X509_bio($0, raw) }
    }

    /// SHA-256 over the DER encoding, as `openssl x509 -fingerprint -sha256` shows it.
    func sha256Fingerprint() throws -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        try OpenSSLError.check(X509_digest(raw, EVP_sha256(), &digest, &length), "fingerprint a certificate")
        return Array(digest.prefix(Int(length)))
    }

    var serialBytes: [UInt8] { OpenSSLASN1.bytes(of: X509_get0_serialNumber(raw)) }
    var subject: String { OpenSSLASN1.rfc2253(X509_get_subject_name(raw)) }
    var issuerName: String { OpenSSLASN1.rfc2253(X509_get_issuer_name(raw)) }
    /// X509_NAME_hash of the subject: the file name stem `openssl rehash` uses.
    var subjectHash: UInt { UInt(X509_NAME_hash_ex(X509_get_subject_name(raw), nil, nil, nil)) }
    var notBefore: Date { OpenSSLASN1.date(X509_get0_notBefore(raw)) }
    var notAfter: Date { OpenSSLASN1.date(X509_get0_notAfter(raw)) }
    /// basicConstraints CA:TRUE (what OpenSSL's verifier means by a CA).
    var isCA: Bool { X509_get_extension_flags(raw) & UInt32(EXFLAG_CA) != 0 }

    /// The public key's algorithm as OpenSSL names it ("EC", "RSA", "RSA-PSS", "ED25519"),
    /// the curve when it has one, and its size in bits.
    var publicKeyDescription: (type: String, curve: String?, bits: Int) {
        guard let key = X509_get0_pubkey(raw) else { return ("unknown", nil, 0) }
        let type = EVP_PKEY_get0_type_name(key).map { String(cString: $0) } ?? "unknown"
        var buffer = [CChar](repeating: 0, count: 80)
        var length = 0
        let curve = EVP_PKEY_get_group_name(key, &buffer, buffer.count, &length) == 1 ? OpenSSLASN1.string(buffer) : nil
        return (type, curve, Int(EVP_PKEY_get_bits(key)))
    }

    /// subjectAltName entries as OpenSSL prints them ("DNS:localhost", "IP Address:127.0.0.1").
    var subjectAlternativeNames: [String] {
        let index = X509_get_ext_by_NID(raw, NID_subject_alt_name, -1)
        guard index >= 0, let ext = X509_get_ext(raw, index), let bio = try? OpenSSLBIO() else { return [] }
        guard X509V3_EXT_print(bio.raw, ext, 0, 0) == 1 else {
            OpenSSLError.clearQueue()
            return []
        }
        return bio.string.split(separator: ",").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            .filter { !$0.isEmpty }
    }
}
