import ClusterKit
import Foundation
import Scenarios

/// The result of `check-config`: what was reproduced, every case, and the findings.
struct CheckConfigReport: Encodable {
    var hbaFile: String
    var confFile: String?
    var server: String
    var hostName: String
    var reproducedSettings: [String: String]
    var notes: [String]
    var cases: [ConfigCheckCase]
    var findings: [ConfigFinding]

    static func make(_ options: CheckConfigCommand) async throws -> CheckConfigReport {
        var hbaPath = options.hba ?? ""
        var confPath = options.conf
        var base: String
        var major: Int? = nil
        if let pgdata = options.pgdata {
            base = pgdata
            confPath = pgdata + "/postgresql.conf"
            if let v = FileManager.default.contents(atPath: pgdata + "/PG_VERSION") {
                major = Int(String(decoding: v, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
            }
        } else {
            base = ((options.conf ?? hbaPath) as NSString).deletingLastPathComponent
        }
        let conf = try confPath.map(ServerConfigFile.load)
        if let pgdata = options.pgdata {
            let hbaSetting = conf?["hba_file"]
            hbaPath = hbaSetting.map { $0.hasPrefix("/") ? $0 : pgdata + "/" + $0 } ?? pgdata + "/pg_hba.conf"
        }
        let lines = try HBAFileLine.load(hbaPath)
        let reproduction = try ConfigReproduction(hba: lines, hbaPath: hbaPath, conf: conf, baseDirectory: base)
        let installation = try pick(options.installation, major: major)

        var certificates: [CertificateInspector.Inspection] = []
        var serverCertificate: CertificateInspector.Inspection? = nil
        for file in reproduction.files where ["ssl_cert_file", "ssl_ca_file"].contains(file.setting) {
            if let inspection = try? CertificateInspector.inspect(path: file.sourcePath) {
                certificates.append(inspection)
                if file.setting == "ssl_cert_file" { serverCertificate = inspection }
            }
        }
        for path in [options.clientCert, options.rootCert].compactMap({ $0 }) {
            do {
                certificates.append(try CertificateInspector.inspect(path: path))
            } catch {
                throw ConfigCheckError.unreadable(path: path, reason: "not a PEM or DER certificate (\(error))")
            }
        }
        let hostName = options.hostName ?? defaultHostName(serverCertificate)
        let check = ConfigCheck(
            reproduction: reproduction, installation: installation, rootCertificate: options.rootCert,
            clientCertificate: options.clientCert, clientKey: options.clientKey, hostName: hostName,
            warnDays: options.warnDays)
        let cases = try await check.run()
        let findings = ConfigFindings.evaluate(
            cases: cases, hba: lines, reproduction: reproduction, certificates: certificates,
            clientCertificateGiven: options.clientCert != nil, warnDays: options.warnDays)
        return CheckConfigReport(
            hbaFile: hbaPath, confFile: confPath, server: installation.description, hostName: hostName,
            reproducedSettings: reproduction.settings, notes: reproduction.notes, cases: cases, findings: findings)
    }

    /// The installation of the data directory's major (or the one asked for).
    static func pick(_ options: InstallationOptions, major: Int?) throws -> Installation {
        guard let major, options.bindirs.isEmpty else { return try options.installations()[0] }
        let all = try Installation.all()
        if let match = all.last(where: { $0.major == major }) { return match }
        throw ConfigCheckError.majorNotInstalled(major: major, installed: all.map(\.major))
    }

    static func defaultHostName(_ inspection: CertificateInspector.Inspection?) -> String {
        guard let leaf = inspection?.certificates.first else { return "localhost" }
        if let dns = leaf.subjectAlternativeNames.first(where: { $0.hasPrefix("DNS:") }) {
            return String(dns.dropFirst(4))
        }
        if let cn = leaf.subject.components(separatedBy: "CN=").last?.split(separator: ",").first {
            return cn.trimmingCharacters(in: .whitespaces)
        }
        return "localhost"
    }

    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }

    func text(style: TerminalStyle) -> String {
        var out = [
            "check-config: \(hbaFile)\(confFile.map { ", \($0)" } ?? "") on throwaway \(server)",
            "(the real server and its files were only read; clients connect to host=\(hostName) hostaddr=127.0.0.1)",
        ]
        let counts = ConfigFinding.Severity.allCases.reversed().map { s in
            "\(findings.filter { $0.severity == s }.count) \(s.rawValue)"
        }
        out.append("\(cases.count) connections; findings: " + counts.joined(separator: ", "))
        if !reproducedSettings.isEmpty {
            out.append(
                "reproduced: "
                    + reproducedSettings.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(
                        separator: ", "))
        }
        out += notes.map { "note: " + $0 }
        var byLine: [Int: [ConfigCheckCase]] = [:]
        for c in cases { byLine[c.line, default: []].append(c) }
        for number in byLine.keys.sorted() {
            let lineCases = byLine[number]!
            let first = lineCases[0]
            out.append("")
            out.append("line \(number): \(first.lineText)")
            out.append("  as user \(first.user), database \(first.database), from \(first.address)")
            var variants: [(Bool, Bool)] = []
            for c in lineCases
            where !variants.contains(where: { $0 == (c.withRootCertificate, c.withClientCertificate) }) {
                variants.append((c.withRootCertificate, c.withClientCertificate))
            }
            let headers = variants.map { v in
                [v.0 ? "root" : "no root", v.1 ? "cert" : "no cert"].joined(separator: ", ")
            }
            var messages: [String] = []
            var rows: [[String]] = []
            for mode in ConfigCheck.sslModes {
                var row = [mode]
                for v in variants {
                    guard
                        let c = lineCases.first(where: {
                            $0.sslmode == mode && $0.withRootCertificate == v.0 && $0.withClientCertificate == v.1
                        })
                    else {
                        row.append("-")
                        continue
                    }
                    switch c.result {
                    case .encrypted: row.append("encrypted")
                    case .plaintext: row.append("PLAINTEXT")
                    case .rejected:
                        let message = c.message ?? ""
                        if !messages.contains(message) { messages.append(message) }
                        row.append("rejected [\(messages.firstIndex(of: message)! + 1)]")
                    }
                }
                rows.append(row)
            }
            out.append(TextTable(headers: ["sslmode"] + headers, rows: rows).terminal(maxWidth: style.width))
            for (i, m) in messages.enumerated() { out.append("  [\(i + 1)] \(m)") }
        }
        out.append("")
        if findings.isEmpty {
            out.append("no findings")
        } else {
            out.append("findings:")
            for f in findings {
                out.append("  \(f.severity.rawValue.uppercased()) \(f.code): \(f.message)")
                out.append("    proof: \(f.proof)")
            }
        }
        return out.map { style.wrapAll($0, continuation: "      ") }.joined(separator: "\n") + "\n"
    }
}
