import Scenarios

/// The heatmaps the terminal report draws for the built-in matrix, one or two per
/// `MatrixSection`, each with the dimensions that vary in that section.
enum MatrixHeatmaps {
    static func section(_ r: CaseResult) -> MatrixSection? { MatrixSection.byCaseID[r.id] }

    /// The id's " / "-separated parts (`Scenario.id`).
    static func parts(_ r: CaseResult) -> [Substring] { r.id.split(separator: " / ") }

    /// The value of the part starting with `prefix` (without it), or `absent`.
    static func part(_ r: CaseResult, _ prefix: String, absent: String) -> String {
        parts(r).first { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) } ?? absent
    }

    static func label(_ r: CaseResult, _ key: String) -> String { r.labels[key] ?? "?" }

    /// pg_hba descriptions short enough for a row label.
    static func hba(_ r: CaseResult) -> String {
        label(r, "hba").replacingOccurrences(of: "clientcert=", with: "cc=")
            .replacingOccurrences(of: "clientname=", with: "name=")
    }

    static var all: [Heatmap] {
        let chains = { (section: MatrixSection) in
            Heatmap(
                title: section.title, include: { Self.section($0) == section },
                panel: { "server chain: " + label($0, "chain") }, row: hba, group: { label($0, "trust") },
                column: { label($0, "sslmode") }, groupName: "client trust (sslrootcert)", columnName: "sslmode",
                columnCodes: Heatmap.sslModeCodes)
        }
        return [
            chains(.chains), chains(.hardened),
            Heatmap(
                title: MatrixSection.clientCertificates.title, include: { section($0) == .clientCertificates },
                panel: { "server " + label($0, "tls") }, row: hba, group: { label($0, "sslmode") },
                column: { label($0, "certificate") }, groupName: "sslmode", columnName: "client certificate"),
            Heatmap(
                title: "server host names (client connects to db.example.test)",
                include: { section($0) == .namesAndCRLs && $0.id.contains(" / names ") },
                panel: { _ in "" }, row: { part($0, "names ", absent: "standard") }, group: { _ in "" },
                column: { label($0, "sslmode") }, groupName: "", columnName: "sslmode",
                columnCodes: Heatmap.sslModeCodes),
            Heatmap(
                title: "client CRLs (sslcrl / sslcrldir) per server chain",
                include: { section($0) == .namesAndCRLs && !$0.id.contains(" / names ") },
                panel: { _ in "" }, row: { label($0, "chain") },
                group: { part($0, "crl-", absent: "none") + " " + label($0, "trust") },
                column: { label($0, "sslmode") }, groupName: "client CRL and trust", columnName: "sslmode",
                columnCodes: Heatmap.sslModeCodes),
            Heatmap(
                title: MatrixSection.passwords.title, include: { section($0) == .passwords },
                panel: { "sslmode " + label($0, "sslmode") }, row: hba,
                group: { part($0, "channel_binding=", absent: "prefer") },
                column: { part($0, "password-", absent: "right") + "/" + part($0, "stored-", absent: "scram") },
                groupName: "channel_binding", columnName: "password sent/stored as",
                columnCodes: [
                    "right/scram": "R", "wrong/scram": "W", "none/scram": "N",
                    "right/md5": "r", "wrong/md5": "w", "none/md5": "n",
                ]),
            Heatmap(
                title: MatrixSection.settings.title,
                include: {
                    section($0) == .settings && !$0.id.hasSuffix("user u_ok") && !$0.id.contains("unix-socket")
                },
                panel: { "pg_hba: " + label($0, "hba") }, row: { label($0, "tls") },
                group: {
                    let lo = part($0, "client-min=", absent: "")
                    let hi = part($0, "client-max=", absent: "")
                    return lo.isEmpty && hi.isEmpty
                        ? "default" : [lo, hi].map { $0.isEmpty ? "-" : $0 }.joined(separator: "..")
                },
                column: { label($0, "sslmode") }, groupName: "client ssl_min..max_protocol_version",
                columnName: "sslmode", columnCodes: Heatmap.sslModeCodes),
            Heatmap(
                title: "Unix socket (libpq never asks for TLS there)",
                include: { section($0) == .settings && $0.id.contains("unix-socket") },
                panel: { _ in "" }, row: hba, group: { _ in "" }, column: { label($0, "sslmode") },
                groupName: "", columnName: "sslmode", columnCodes: Heatmap.sslModeCodes),
        ]
    }

    /// Whether `r` is drawn by one of `all` (others are counted under the heatmaps).
    static func isDrawn(_ r: CaseResult, by maps: [Heatmap]) -> Bool { maps.contains { $0.include(r) } }
}
