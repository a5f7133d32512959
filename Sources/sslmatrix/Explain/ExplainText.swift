import ClusterKit
import Foundation
import Scenarios

/// What `explain` prints for one case: the server side and client as they would be put on
/// disk, the model's prediction with every attempt's message template, the rule trace with
/// its sources, and, after `--run`, what really happened beside it.
struct ExplainText {
    var scenario: Scenario
    var group: RunnableGroup
    var spec: CaseSpec
    var expectation: Expectation
    var result: CaseResult?
    /// Cases of the whole matrix that share this cluster.
    var groupSize: Int
    /// A scenario file's "file: group / case" (the model's own id otherwise).
    var title: String? = nil

    var lines: [String] {
        var out = ["case \(title ?? scenario.id)"]
        if let section = MatrixSection.byCaseID[scenario.id] { out.append("  section: \(section.title)") }
        out.append("  server group: \(group.id) (\(groupSize) cases share this cluster)")
        out.append("")
        if let facts = scenario.facts {
            out.append("server: \(scenario.server.tls); from the file's own PKI:")
            out.append(
                "  the client's chain check: \(facts.serverChainFailure.map { "\($0)" } ?? "verifies (or no root file)")"
            )
            out.append(
                "  leaf names: CN \(facts.serverCommonName ?? "(none)"), SANs \(facts.serverSubjectAltNames.map(\.description).joined(separator: ", ")); host \(facts.host)"
            )
            if let dn = facts.clientDistinguishedName {
                out.append(
                    "  client certificate \(dn): the server's chain check: \(facts.clientChainFailure.map { "\($0)" } ?? "verifies (or not requested)")"
                )
            }
        } else {
            out.append(
                "server: chain \(scenario.server.chain), host names \(scenario.server.names), \(scenario.server.tls)")
        }
        out.append("  postgresql.conf ({files} is the directory the certificates are written to):")
        out += group.settings.text.split(separator: "\n").map { "    " + $0 }
        out.append("  pg_hba.conf (first match wins; line 1 is the harness's own `local` line for its superuser;")
        out.append("  -> marks the lines naming this user or all):")
        for (i, rule) in group.hba.enumerated() {
            let mark = rule.user == scenario.user || rule.user == "all" ? "->" : "  "
            let number = String(i + HBAFile.firstRuleLine)
            let padded = String(repeating: " ", count: max(0, 3 - number.count)) + number
            out.append("  \(mark) \(padded)  " + rule.line.replacingOccurrences(of: "\t", with: " "))
        }
        if !group.ident.isEmpty {
            out.append("  pg_ident.conf:")
            out += group.ident.map { "    " + $0.line }
        }
        out.append("")
        out.append("client (libpq, every SSL parameter explicit):")
        out.append("  " + Self.parameters(spec.client))
        out.append("")
        out.append("prediction (model, \(expectation.versions)): \(Self.outcome(expectation))")
        for (n, a) in expectation.attempts.enumerated() {
            out.append("  attempt \(n + 1) (\(a.ssl ? "TLS" : "no TLS")), libpq says:")
            out += a.libpqMessage.text.trimmingCharacters(in: .newlines).split(separator: "\n").map { "    " + $0 }
            for log in a.serverLog { out.append("    server log: \(log.text)") }
        }
        if case .serverFailsToStart(let log) = expectation.outcome {
            for line in log { out.append("  server log: \(line.text)") }
        }
        out.append("  ({port}, {rootcert}, {home}, ... are filled in per run; {one_of:a|b} accepts either)")
        out.append("")
        out.append("rule trace (id, what it says, the source it follows, the message it makes):")
        for (n, rule) in expectation.appliedRules.enumerated() {
            out.append("  \(n + 1). [\(rule.id)] \(rule.text)")
            out.append("     source: \(rule.source)")
            if let key = rule.message {
                let template = MessageCatalogue.template(key, expectation.versions, printedBy: .client).text
                out.append("     message (\(key.rawValue)): \(template.trimmingCharacters(in: .newlines))")
            }
        }
        if let skip = spec.skipReason {
            out.append("")
            out.append("skipped on this machine: \(skip)")
        }
        if let result {
            out.append("")
            out.append("reality: \(result.observed?.shortDescription ?? "not run")")
            for log in result.observed?.serverLog ?? [] { out.append("  server log: \(log)") }
            switch result.verdict {
            case .agree: out.append("verdict: the model and reality agree")
            case .skipped: out.append("verdict: skipped: \(result.differences.joined(separator: "; "))")
            case .disagree, .error:
                out.append("verdict: \(result.verdict == .error ? "could not run" : "THE MODEL AND REALITY DISAGREE")")
                out += result.differences.map { "  " + $0 }
            }
        }
        return out
    }

    static func outcome(_ e: Expectation) -> String {
        switch e.outcome {
        case .accepted(let encrypted, let user):
            "accepted, \(encrypted ? "encrypted (TLS)" : "NOT encrypted"), session user \(user)"
        case .rejected(let attempts): "rejected after \(attempts.count) attempt\(attempts.count == 1 ? "" : "s")"
        case .serverFailsToStart: "the server does not start with this configuration"
        }
    }

    /// The connection string the probe uses, files named by what they hold.
    static func parameters(_ c: ClientTemplate) -> String {
        func file(_ ref: ClientTemplate.FileRef) -> String? {
            switch ref {
            case .pki(let name): "<\(name)>"
            case .none: "<a file that does not exist>"
            case .libpqDefault: nil
            case .literal(let value), .nonexistent(let value): value
            }
        }
        var parts: [String] = []
        if c.transport == .tcp {
            parts += ["host=\(c.host)"] + (c.hostaddr.map { ["hostaddr=\($0)"] } ?? []) + ["port={port}"]
        } else {
            parts += ["host={socket directory}", "port={port}"]
        }
        parts += ["dbname=\(c.dbname)", "user=\(c.user)"]
        if let pw = c.password { parts.append("password=\(pw)") }
        parts.append("sslmode=\(c.sslmode)")
        for (key, ref) in [
            ("sslrootcert", c.sslrootcert), ("sslcert", c.sslcert), ("sslkey", c.sslkey), ("sslcrl", c.sslcrl),
            ("sslcrldir", c.sslcrldir),
        ] {
            if let value = file(ref) {
                parts.append("\(key)=\(value)")
            } else {
                parts.append("\(key) unset (libpq's ~/.postgresql default, absent)")
            }
        }
        if let pw = c.sslpassword { parts.append("sslpassword=\(pw)") }
        parts.append("ssl_min_protocol_version=\(c.sslMinProtocolVersion)")
        if let max = c.sslMaxProtocolVersion { parts.append("ssl_max_protocol_version=\(max)") }
        parts.append("channel_binding=\(c.channelBinding)")
        parts += c.newer.keywordValues.map { "\($0.0)=\($0.1)" }
        return parts.joined(separator: " ")
    }
}
