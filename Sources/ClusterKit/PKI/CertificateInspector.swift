import Foundation

/// Reads certificate files the way a DBA would want them summarised (`sslmatrix inspect`).
public enum CertificateInspector {
    /// The certificates of one file, in file order.
    public struct Inspection: Hashable, Sendable, CustomStringConvertible {
        public var path: String
        public var certificates: [CertificateReport]

        /// An expiry report: one block per certificate, the soonest expiry on top.
        public var description: String {
            let soonest = certificates.map(\.daysLeft).min()
            var out = "\(path): \(certificates.count) certificate\(certificates.count == 1 ? "" : "s")"
            if let soonest { out += ", soonest expiry in \(soonest) days" }
            for (index, report) in certificates.enumerated() {
                out +=
                    "\n  [\(index)]\n"
                    + report.description.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n")
            }
            return out
        }
    }

    /// Reads a PEM file with one or more certificates, or a DER certificate.
    public static func inspect(path: String, now: Date = Date()) throws -> Inspection {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ClusterKitError.unreadableFile(path: path, reason: (error as NSError).localizedDescription)
        }
        return Inspection(path: path, certificates: try inspect(data: data, source: path, now: now))
    }

    /// The same for bytes already in memory.
    public static func inspect(
        data: Data, source: String = "(memory)", now: Date = Date()
    ) throws -> [CertificateReport] {
        try OpenSSLCertificate.readAll(from: data, source: source).map { try report($0, now: now) }
    }

    /// A plain-text expiry report for several files (what `sslmatrix inspect FILE...` prints).
    public static func format(_ inspections: [Inspection]) -> String {
        inspections.map(\.description).joined(separator: "\n\n")
    }

    static func report(_ certificate: OpenSSLCertificate, now: Date) throws -> CertificateReport {
        let key = certificate.publicKeyDescription
        let notAfter = certificate.notAfter
        return CertificateReport(
            subject: certificate.subject, issuer: certificate.issuerName,
            subjectAlternativeNames: certificate.subjectAlternativeNames,
            serialHex: PKIText.hex(certificate.serialBytes),
            notBefore: certificate.notBefore, notAfter: notAfter,
            daysLeft: Int((notAfter.timeIntervalSince(now) / 86_400).rounded(.down)),
            isCA: certificate.isCA, keyType: key.type, curve: key.curve, keyBits: key.bits,
            sha256Fingerprint: PKIText.hex(try certificate.sha256Fingerprint(), separator: ":"),
            notYetValid: certificate.notBefore > now)
    }
}
