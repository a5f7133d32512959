import ClusterKit
import Foundation

/// The findings a DBA acts on, each proven by a case that ran (or, for settings and
/// certificates, by the file and line that says so).
public enum ConfigFindings {
    static let passwordMethods: Set<String> = ["password", "md5", "scram-sha-256"]

    public static func evaluate(
        cases: [ConfigCheckCase], hba: [HBAFileLine], reproduction: ConfigReproduction,
        certificates: [CertificateInspector.Inspection], clientCertificateGiven: Bool, warnDays: Int
    ) -> [ConfigFinding] {
        var findings: [ConfigFinding] = []
        let lines = Dictionary(hba.map { ($0.number, $0) }, uniquingKeysWith: { a, _ in a })
        /// The method of the line that decided the case (the case's own line when none is known).
        func method(_ c: ConfigCheckCase) -> String { lines[c.matchedLine ?? c.line]?.method ?? "" }
        func decided(_ c: ConfigCheckCase) -> (Int, String) {
            (c.matchedLine ?? c.line, c.matchedLineText ?? c.lineText)
        }
        let where_ = reproduction.hbaPath

        /// One finding per pg_hba line that decided a matching case; the first such case proves it.
        func perDecidingLine(
            _ matching: (ConfigCheckCase) -> Bool, _ severity: ConfigFinding.Severity, _ code: String,
            _ message: (ConfigCheckCase, Int, String) -> String
        ) {
            var seen = Set<Int>()
            for c in cases where matching(c) {
                let (number, text) = decided(c)
                guard seen.insert(number).inserted else { continue }
                findings.append(
                    ConfigFinding(severity: severity, code: code, message: message(c, number, text), proof: c.proof))
            }
        }
        // Plaintext password logins.
        perDecidingLine(
            { $0.result == .plaintext && passwordMethods.contains(method($0)) }, .critical, "plaintext-password"
        ) { c, number, text in
            "\(where_):\(number) '\(text)': a password (\(method(c))) login is accepted over an unencrypted connection; make it hostssl and add `hostnossl all all all reject` first"
        }
        // Password logins a client makes without verifying the server: the impostor risk.
        perDecidingLine(
            {
                $0.result == .encrypted && $0.sslmode == "require" && !$0.withRootCertificate
                    && passwordMethods.contains(method($0))
            }, .warning, "impostor-risk"
        ) { _, number, text in
            "\(where_):\(number) '\(text)': a client with sslmode=require and no root file sends its password to whoever answers (the server is not verified); clients should use sslmode=verify-full with the root certificate, or the line should use cert / clientcert=verify-full"
        }
        // No `hostnossl ... reject`.
        let hasReject = hba.contains { $0.type == "hostnossl" && $0.method == "reject" }
        if !hasReject {
            let plain = cases.first { $0.result == .plaintext }
            findings.append(
                ConfigFinding(
                    severity: .warning, code: "no-hostnossl-reject",
                    message:
                        "\(where_) has no `hostnossl ... reject` line: nothing refuses unencrypted TCP connections by name; put `hostnossl all all all reject` before the other host lines",
                    proof: plain?.proof ?? "no line of \(where_) has type hostnossl with method reject"))
        }
        // clientcert missing where a certificate login is intended.
        if clientCertificateGiven {
            perDecidingLine(
                {
                    $0.result == .encrypted && !$0.withClientCertificate && method($0) != "cert"
                        && method($0) != "reject" && lines[$0.matchedLine ?? $0.line]?.options["clientcert"] == nil
                }, .warning, "clientcert-missing"
            ) { _, number, text in
                "\(where_):\(number) '\(text)': logins succeed without a client certificate; if certificates are meant to be required, use `cert` or add clientcert=verify-full"
            }
        }
        // Certificates expiring (each file once).
        var paths = Set<String>()
        for inspection in certificates where paths.insert((inspection.path as NSString).standardizingPath).inserted {
            for cert in inspection.certificates where cert.daysLeft < warnDays {
                let expired = cert.daysLeft < 0
                findings.append(
                    ConfigFinding(
                        severity: expired ? .critical : .warning, code: "certificate-expiring",
                        message:
                            "\(inspection.path): '\(cert.subject)' \(expired ? "has expired" : "expires in \(cert.daysLeft) days") (--warn-days \(warnDays))",
                        proof: "notAfter \(cert.notAfter)"))
            }
        }
        // TLS below 1.2.
        if let min = reproduction.settings["ssl_min_protocol_version"], ["TLSv1", "TLSv1.1"].contains(min) {
            findings.append(
                ConfigFinding(
                    severity: .warning, code: "tls-below-1.2",
                    message:
                        "ssl_min_protocol_version = '\(min)' allows TLS below 1.2; set it to TLSv1.2 (the default since PostgreSQL 14) or TLSv1.3",
                    proof: "\(reproduction.confPath ?? "postgresql.conf"): ssl_min_protocol_version = '\(min)'"))
        }
        return findings.sorted { ($0.severity, $1.code) > ($1.severity, $0.code) }
    }
}
