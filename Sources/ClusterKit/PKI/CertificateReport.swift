import Foundation

/// What a DBA wants to know about one certificate: who, issued by whom, for which names,
/// until when, and with which key.
public struct CertificateReport: Hashable, Sendable, CustomStringConvertible {
    public var subject: String
    public var issuer: String
    /// As OpenSSL prints them: "DNS:localhost", "IP Address:127.0.0.1".
    public var subjectAlternativeNames: [String]
    /// Upper-case hex, no separators.
    public var serialHex: String
    public var notBefore: Date
    public var notAfter: Date
    /// Whole days from the inspection's `now` to notAfter; negative once expired.
    public var daysLeft: Int
    public var isCA: Bool
    /// OpenSSL's name for the key type: "EC", "RSA", "RSA-PSS", "ED25519".
    public var keyType: String
    /// The curve for EC keys ("prime256v1"), nil otherwise.
    public var curve: String?
    public var keyBits: Int
    /// `AB:CD:...` over the DER encoding.
    public var sha256Fingerprint: String
    /// True when notBefore is still in the future.
    public var notYetValid: Bool

    /// "EXPIRED", "NOT YET VALID", "expires soon" (< 30 days) or "ok".
    public var status: String {
        if daysLeft < 0 { return "EXPIRED" }
        if notYetValid { return "NOT YET VALID" }
        return daysLeft < 30 ? "expires soon" : "ok"
    }

    public var keyDescription: String {
        if let curve { return "\(keyType) \(curve) (\(keyBits) bits)" }
        return "\(keyType) \(keyBits) bits"
    }

    public var description: String {
        var lines = [
            "subject:     \(subject.isEmpty ? "(empty)" : subject)",
            "issuer:      \(issuer.isEmpty ? "(empty)" : issuer)\(subject == issuer ? " (self-signed)" : "")",
        ]
        if !subjectAlternativeNames.isEmpty {
            lines.append("names:       \(subjectAlternativeNames.joined(separator: ", "))")
        }
        lines += [
            "serial:      \(serialHex)",
            "valid:       \(Self.format(notBefore)) .. \(Self.format(notAfter))",
            "days left:   \(daysLeft) [\(status)]",
            "CA:          \(isCA ? "yes" : "no")",
            "key:         \(keyDescription)",
            "SHA-256:     \(sha256Fingerprint)",
        ]
        return lines.joined(separator: "\n")
    }

    static func format(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss 'UTC'"
        return formatter.string(from: date)
    }
}
