import ClusterKit
import Foundation
import Scenarios

/// The report for a DBA: four short sections, each a table, disagreements spelled out
/// with both sides under the table that holds them.
struct ImpostorReportText {
    let report: ImpostorReport
    let markdown: Bool
    /// The terminal's width to fit (nil: the wide form, nothing cut or wrapped).
    var width: Int? = nil

    var text: String {
        guard let width, !markdown else {
            return
                ([header, articleSection, impostorSection] + driverSection + [
                    realClusterSection, verdictSection, footer,
                ])
                .joined(separator: "\n\n")
        }
        // Compact: the verdict line first, then the sections, every line within the width.
        let text =
            ([header, footer, articleSection, impostorSection] + driverSection + [realClusterSection, verdictSection])
            .joined(separator: "\n\n")
        return TerminalStyle(width: width).wrapAll(text, continuation: "      ")
    }

    private func heading(_ s: String) -> String { markdown ? "## \(s)" : "== \(s) ==" }
    private func table(_ t: TextTable) -> String {
        markdown ? t.markdown : width.map { t.terminal(maxWidth: $0) } ?? t.terminal
    }
    private func block(_ lines: [String]) -> String {
        markdown ? "```\n" + lines.joined(separator: "\n") + "\n```" : lines.map { "  " + $0 }.joined(separator: "\n")
    }
    private func oneLine(_ s: String) -> String {
        s.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "\n", with: " / ")
    }
    /// libpq's text without the per-attempt "connection to server at ..., port N failed: " prefix
    /// (and psql's "psql: error: "), attempts separated by " | ", the scratch HOME shown as ~.
    private func body(_ message: String) -> String {
        var text = message.replacingOccurrences(of: "psql: error: ", with: "")
        for home in report.article.compactMap({ $0.observed.environment["HOME"] }) {
            text = text.replacingOccurrences(of: home, with: "~")
        }
        let pattern = #"connection to server at "[^"]*"( \([^)]*\))?, port [0-9]+ failed: "#
        let attempts = text.replacingOccurrences(of: pattern, with: "\u{1}", options: .regularExpression)
            .split(separator: "\u{1}").map { oneLine(String($0)) }.filter { !$0.isEmpty }
        return attempts.joined(separator: " | ")
    }

    private func model(_ agrees: Bool) -> String { agrees ? "ok" : "DISAGREES" }
    private func yesNo(_ b: Bool) -> String { b ? "yes" : "no" }

    var header: String {
        (markdown ? "# " : "")
            + "sslmatrix impostor: PostgreSQL \(report.postgresVersion), libpq \(report.libpqVersion)"
            + (markdown ? "\n\n" : "\n")
            + "Everything below ran just now on 127.0.0.1; nothing listens beyond loopback."
    }

    // MARK: 1. The article

    var articleSection: String {
        var out = [heading("1. The article's experiment: a real cluster and the real psql")]
        out.append(
            block([
                "server: ssl = on, certificate for db.example.test from a CA the client does not have",
                "client: no root.crt at all (HOME is an empty directory), PGPASSWORD set, role \(report.articleUser) with a password",
                "pg_hba.conf:  " + ArticleExperiment.hba[0].line,
                "              " + ArticleExperiment.hba[1].line,
                "run:  PGSSLMODE=<mode> psql -c \"\(ArticleExperiment.query)\"",
            ]))
        let rows = report.article.map { r -> [String] in
            let result: String
            let detail: String
            if let row = r.observed.sslRow {
                result = "connected"
                detail =
                    "ssl=\(row["ssl"] ?? "?") \(row["version"] ?? "") \(row["cipher"] ?? "") bits=\(row["bits"] ?? "")"
            } else {
                result = "rejected"
                detail = body(r.observed.standardError)
            }
            return [r.sslMode.rawValue, result, detail, model(r.agrees)]
        }
        out.append(
            table(
                TextTable(
                    headers: [
                        "sslmode", "result",
                        "pg_stat_ssl row / psql error (PostgreSQL \(report.postgresVersion.prefix(2)) wording)",
                        "model",
                    ], rows: rows)))
        out.append(
            (markdown ? "" : "  ")
                + "(psql prints each error as: psql: error: connection to server at \"127.0.0.1\", port N failed: <text>; ~ is the empty HOME)"
        )
        if let sample = report.article.first(where: { $0.observed.sslRow != nil }) {
            out.append((markdown ? "" : "  ") + "psql's own output for \(sample.sslMode):")
            out.append(block(sample.observed.standardOutput.split(separator: "\n").map(String.init)))
        }
        if let disable = report.article.first(where: { $0.sslMode == .disable }),
            let rule = disable.rules.first(where: { $0.hasPrefix("pg_hba.conf first match") })
        {
            out.append(
                block([
                    "disable, by the model: \(rule). An explicit reject line gives \"pg_hba.conf rejects connection ...\";",
                    "\"no pg_hba.conf entry ...\" is the implicit reject when no line matches (auth.c uaReject vs uaImplicitReject).",
                ]))
        }
        let changed = report.article.filter { $0.wordingThen != nil }
        if !changed.isEmpty {
            out.append(
                (markdown ? "" : "  ")
                    + "Where today's wording differs from the article's (PostgreSQL 13 and older: from the source, not verified here), per the message catalogue:"
            )
            out.append(
                block(
                    changed.flatMap { r in
                        [
                            "\(r.sslMode.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0))then: \(oneLine("psql: " + (r.wordingThen ?? "")).replacingOccurrences(of: r.observed.environment["HOME"] ?? "\u{0}", with: "~"))",
                            "            now:  \(oneLine(r.expectedError ?? "").replacingOccurrences(of: r.observed.environment["HOME"] ?? "\u{0}", with: "~"))",
                        ]
                    } + [
                        "(14 added the \"connection to server at ...\" prefix and replaced \"SSL off\"/\"SSL on\" by \"no encryption\"/\"SSL encryption\")"
                    ]))
        }
        out += disagreements(report.article.map { ($0.sslMode.rawValue, $0.disagreements) })
        return out.joined(separator: "\n\n")
    }

    // MARK: 2. The impostor

    func sawText(_ c: ImpostorCapture) -> String {
        let channel = c.tlsProtocol ?? "cleartext"
        switch c.stage {
        case .answered:
            if let p = c.password { return "#\(c.connection) \(channel): PASSWORD \"\(p)\"" }
            return "#\(c.connection) \(channel): SCRAM first message \"\(c.saslFirstMessage ?? "")\" (no password)"
        case .tlsRefused:
            let reason = (c.detail ?? "").components(separatedBy: "::").last ?? ""
            return "#\(c.connection) TLS refused by the victim: \(reason)"
        case .closedAfterHandshake: return "#\(c.connection) \(channel) up, then client hung up (host name)"
        case .refusedAuthentication:
            return "#\(c.connection) \(channel): asked \(c.authenticationRequest ?? "?"), client hung up"
        case .other: return "#\(c.connection) \(channel): \(c.detail ?? "?")"
        }
    }

    var impostorSection: String {
        var out = [heading("2. IMPOSTOR: something else answers at the database's address")]
        out.append(
            block([
                "victim: host=\(ImpostorPKI.databaseHost) hostaddr=127.0.0.1 port=<IMPOSTOR's port> user=\(report.victimUser) password=\"\(report.victimPassword)\"",
                "IMPOSTOR A: certificate for \(ImpostorPKI.databaseHost), issued by \"Impostor Root CA\" (the victim does not trust it)",
                "IMPOSTOR B: certificate from the victim's own trusted root CA, but for \(ServerNames.mismatch.commonName ?? "?")",
                "The IMPOSTOR is a fake server on libssl: 'S' to SSLRequest, TLS with its certificate, asks for a cleartext",
                "password (or SCRAM-SHA-256 without -PLUS), records the answer, replies FATAL 28P01 \"\(ImpostorServer.defaultErrorMessage)\".",
            ]))
        let rows = report.impostor.map { r -> [String] in
            let saw =
                r.captures.isEmpty ? "nothing" : r.captures.map(sawText).joined(separator: markdown ? "<br>" : "; ")
            return [
                r.case.variant.rawValue, r.case.description, r.capturedPasswords.isEmpty ? "no" : "LEAKED", saw,
                body(r.libpqMessage), model(r.agrees),
            ]
        }
        out.append(
            table(
                TextTable(
                    headers: [
                        "", "victim's settings", "password", "what the IMPOSTOR saw, per connection",
                        "libpq tells the victim", "model",
                    ], rows: rows)))
        out += disagreements(report.impostor.map { ("\($0.case.variant) \($0.case)", $0.disagreements) })
        return out.joined(separator: "\n\n")
    }

    // MARK: 2b. The impostor per driver

    /// The same victims through each driver probe (`--drivers`), beside libpq's column.
    var driverSection: [String] {
        guard let rows = report.drivers, !rows.isEmpty else { return [] }
        var out = [heading("2b. The IMPOSTOR per driver: what it captured from each")]
        out.append(
            block([
                "the same victim settings, handed to each driver by its probe (docs/driver-probes.md);",
                "libpq is the column above; a driver's own words are in the JSON (--format json)",
            ]))
        let drivers = rows.reduce(into: [String]()) { if !$0.contains($1.driver) { $0.append($1.driver) } }
        let table = report.impostor.map { libpq -> [String] in
            let cells = drivers.map { d in
                rows.first { $0.driver == d && $0.case == libpq.case }.map { DriverImpostorRow.cell($0.captures) }
                    ?? "-"
            }
            return [libpq.case.variant.rawValue, libpq.case.description, DriverImpostorRow.cell(libpq.captures)] + cells
        }
        out.append(self.table(TextTable(headers: ["", "victim's settings", "libpq"] + drivers, rows: table)))
        return [out.joined(separator: "\n\n")]
    }

    // MARK: 3. A real cluster as impostor

    var realClusterSection: String {
        var out = [heading("3. IMPOSTOR played by a real PostgreSQL cluster")]
        out.append(
            block([
                "certificate B (trusted root CA, host \(ServerNames.mismatch.commonName ?? "?")), pg_hba: hostssl all all all trust"
            ]))
        let rows = report.realImpostor.map { r in
            [
                r.sslMode.rawValue,
                r.connected
                    ? "CONNECTED to the IMPOSTOR: cluster_name=\(r.clusterName ?? "?"), ssl=\(r.ssl ?? "?")"
                    : "refused: " + body(r.libpqMessage ?? ""),
                model(r.agrees),
            ]
        }
        out.append(table(TextTable(headers: ["sslmode", "victim", "model"], rows: rows)))
        out += disagreements(report.realImpostor.map { ($0.sslMode.rawValue, $0.disagreements) })
        return out.joined(separator: "\n\n")
    }

    // MARK: 4. Verdict

    var verdictSection: String {
        var out = [heading("4. Verdict (observed above, cross-checked with the model)")]
        let rows = report.verdict.map { v in
            [
                v.sslMode.rawValue,
                v.alwaysEncrypts ? "yes" : (v.sentCleartext ? "NO (sent cleartext)" : "no"),
                v.stopsUntrustedCA ? "yes" : "NO",
                v.stopsWrongHost ? "yes" : "NO",
                v.leaksPassword ? "LEAKS" : "safe",
                v.leaksPasswordWithoutRootCert.map { $0 ? "LEAKS" : "safe" }
                    ?? (v.sslMode.verifiesServer ? "refuses to connect" : "-"),
                "requiresSSL=\(v.modelRequiresSSL) verifiesServer=\(v.modelVerifiesServer) "
                    + model(v.disagreements.isEmpty),
            ]
        }
        out.append(
            table(
                TextTable(
                    headers: [
                        "sslmode", "always encrypted", "stops IMPOSTOR A*", "stops IMPOSTOR B*", "password*",
                        "password, no root cert", "model",
                    ],
                    rows: rows)))
        out.append(
            block(
                [
                    "* the victim has the real root CA as sslrootcert.",
                    "require with a root certificate file checks the CA like verify-ca (libpq docs 34.19.1), so it stops A, not B.",
                    "channel_binding=require keeps the password from any IMPOSTOR that cannot prove the server's certificate:",
                ]
                    + report.impostor.filter { $0.case.channelBinding == .require }.map {
                        "  \($0.case.variant) \($0.case): \(body($0.libpqMessage))"
                    }))
        out += disagreements(report.verdict.map { ($0.sslMode.rawValue, $0.disagreements) })
        return out.joined(separator: "\n\n")
    }

    var footer: String {
        let total = report.article.count + report.impostor.count + report.realImpostor.count
        return (markdown ? "" : "  ")
            + "\(total) runs in \(String(format: "%.1f", Double(report.milliseconds) / 1000)) s; "
            + (report.disagreements == 0
                ? "every observation agrees with the model."
                : "\(report.disagreements) DISAGREE with the model (see above).")
    }

    private func disagreements(_ items: [(String, [String])]) -> [String] {
        let bad = items.filter { !$0.1.isEmpty }
        if bad.isEmpty { return [] }
        return ["DISAGREEMENTS (model vs observed):"] + bad.map { block(["\($0.0):"] + $0.1.map { "  " + $0 }) }
    }
}
