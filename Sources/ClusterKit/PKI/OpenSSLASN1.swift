import COpenSSLShim
import Foundation

/// Conversions between Swift values and OpenSSL's ASN.1 types (integers, times, names),
/// shared by the certificate and CRL wrappers.
enum OpenSSLASN1 {
    /// A new ASN1_INTEGER from big-endian magnitude bytes; the caller frees it.
    static func integer(_ bytes: [UInt8]) throws -> UnsafeMutablePointer<ASN1_INTEGER> {
        let bn = try OpenSSLError.require(BN_bin2bn(bytes, Int32(bytes.count), nil), "convert a serial number")
        defer { BN_free(bn) }
        return try OpenSSLError.require(BN_to_ASN1_INTEGER(bn, nil), "convert a serial number")
    }

    /// Big-endian magnitude bytes of an ASN1_INTEGER (serials are never negative here).
    static func bytes(of integer: UnsafePointer<ASN1_INTEGER>?) -> [UInt8] {
        guard let integer, let bn = ASN1_INTEGER_to_BN(integer, nil) else { return [] }
        defer { BN_free(bn) }
        var out = [UInt8](repeating: 0, count: Int((BN_num_bits(bn) + 7) / 8))
        _ = BN_bn2bin(bn, &out)
        return out
    }

    static func setTime(_ time: UnsafeMutablePointer<ASN1_TIME>?, _ date: Date, _ operation: String) throws {
        guard let time, ASN1_TIME_set(time, time_t(date.timeIntervalSince1970.rounded(.down))) != nil else {
            throw OpenSSLError.failure(operation + " (time \(date))")
        }
    }

    /// A new ASN1_TIME for `date`; the caller frees it.
    static func newTime(_ date: Date, _ operation: String) throws -> UnsafeMutablePointer<ASN1_TIME> {
        try OpenSSLError.require(ASN1_TIME_set(nil, time_t(date.timeIntervalSince1970.rounded(.down))), operation)
    }

    static func date(_ time: UnsafePointer<ASN1_TIME>?) -> Date {
        var parts = tm()
        guard let time, ASN1_TIME_to_tm(time, &parts) == 1 else { return .distantPast }
        return Date(timeIntervalSince1970: TimeInterval(timegm(&parts)))
    }

    /// Adds `name`'s RDNs to an empty X509_NAME; multi-valued RDNs join the previous RDN.
    static func fill(_ target: OpaquePointer?, with name: DistinguishedName, _ operation: String) throws {
        guard let target else { throw OpenSSLError.failure(operation + " (subject)") }
        for rdn in name.relativeDistinguishedNames {
            for (position, attribute) in rdn.enumerated() {
                let value = Array(attribute.value.utf8)
                let status = X509_NAME_add_entry_by_txt(
                    target, attribute.type, MBSTRING_UTF8, value, Int32(value.count), -1, position == 0 ? 0 : -1)
                try OpenSSLError.check(status, operation + " (subject attribute \(attribute.type)=\(attribute.value))")
            }
        }
    }

    /// The text in a NUL-terminated C buffer that OpenSSL filled.
    static func string(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The RFC 2253 form PostgreSQL compares with `clientname=DN`, UTF-8 left readable.
    static func rfc2253(_ name: OpaquePointer?) -> String {
        guard let name, let bio = try? OpenSSLBIO() else { return "" }
        guard X509_NAME_print_ex(bio.raw, name, 0, shim_XN_FLAG_RFC2253_UTF8()) >= 0 else {
            OpenSSLError.clearQueue()
            return ""
        }
        return bio.string
    }
}
