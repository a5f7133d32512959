import Foundation
import Scenarios
import Testing

@testable import ClusterKit

/// `sslmatrix check-config` on real configuration files: a deliberately weak config in a real
/// initdb'ed data directory (exit 1 naming both weaknesses; every file of the directory
/// unchanged afterwards), the examples' hardening and chain-option files written out as
/// real config files (findings follow from the files), and a config it cannot reproduce.
@Suite("check-config on real files", .serialized, .tags(.liveServer, .cli))
struct CheckConfigTests {
    static var canRun: Bool {
        FileManager.default.isExecutableFile(atPath: PackagePaths.sslmatrix) && (try? Installation.discover()) != nil
    }

    /// path -> modification time and contents of every file under `directory`.
    static func snapshot(_ directory: String) throws -> [String: Data] {
        var out: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(atPath: directory)
        while let relative = enumerator?.nextObject() as? String {
            let path = directory + "/" + relative
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            guard attributes[.type] as? FileAttributeType == .typeRegular else { continue }
            let data = FileManager.default.contents(atPath: path) ?? Data()
            out[relative] = Data("\(attributes[.modificationDate] ?? "?")\n".utf8) + data
        }
        return out
    }

    static func findings(_ json: String) throws -> [[String: String]] {
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        return (object?["findings"] as? [[String: String]]) ?? []
    }

    @Test(
        "weak config in a real data directory: exit 1 naming the plaintext password line and the missing hostnossl reject; nothing of it changed",
        .enabled(if: canRun), .timeLimit(.minutes(10)))
    func weakConfigInRealDataDirectory() async throws {
        // A real initdb'ed data directory (the run's template copy), never started.
        let cluster = try await Cluster.create()
        defer { Task { await cluster.destroy() } }
        let pgdata = cluster.dataDirectory
        let account = cluster.workspace.account
        let pki = try PKI.materialize(
            TLSCluster.pkiSpec(TLSClusterOptions(hostName: "db.example.test", user: "app")),
            into: cluster.directory + "/pki", serverAccount: account)
        for name in ["server.crt", "server.key", "root.crt"] {
            let data = try Data(contentsOf: URL(fileURLWithPath: try pki.path(name)))
            try SecureFiles.write(data, to: "\(pgdata)/\(name)", mode: 0o600, owner: account)
        }
        let weakLine = "host    all   all   0.0.0.0/0   scram-sha-256"
        try SecureFiles.write(
            "# deliberately weak\nlocal all all peer\n\(weakLine)\n", to: "\(pgdata)/pg_hba.conf", owner: account)
        let conf = try String(contentsOfFile: "\(pgdata)/postgresql.conf", encoding: .utf8)
        try SecureFiles.write(
            conf + "\nssl = on\nssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'\nssl_ca_file = 'root.crt'\n",
            to: "\(pgdata)/postgresql.conf", owner: account)
        let before = try Self.snapshot(pgdata)

        let r = try await CLI.run([
            "check-config", "--pgdata", pgdata, "--root-cert", try pki.path("root.crt"), "--format", "json",
        ])
        #expect(r.exitCode == 1, "\(r.combinedOutput)")
        let findings = try Self.findings(r.standardOutput)
        let codes = Set(findings.compactMap { $0["code"] })
        #expect(codes.contains("plaintext-password") && codes.contains("no-hostnossl-reject"), "\(findings)")
        let plaintext = try #require(findings.first { $0["code"] == "plaintext-password" })
        #expect(plaintext["message"]?.contains("pg_hba.conf:3") == true)
        #expect(plaintext["proof"]?.contains("sslmode=disable") == true && plaintext["severity"] == "critical")
        #expect(try Self.snapshot(pgdata) == before, "check-config changed the real data directory")
        #expect(!FileManager.default.fileExists(atPath: pgdata + "/postmaster.pid"))

        let text = try await CLI.run(["check-config", "--pgdata", pgdata, "--fail-on", "never"])
        #expect(text.exitCode == 0)
        #expect(text.standardOutput.contains("CRITICAL plaintext-password"), "\(text.standardOutput)")
        #expect(text.standardOutput.split(separator: "\n").allSatisfy { $0.count <= 120 })
    }

    /// An example scenario file's groups written out as real postgresql.conf / pg_hba.conf
    /// files plus the certificates they name.
    static func writeOut(_ example: String, into dir: String) throws -> [(hba: [String], dir: String)] {
        let file = try ScenarioFile.load(path: "\(PackagePaths.root)/Sources/Scenarios/examples/\(example)")
        var out: [(hba: [String], dir: String)] = []
        for (i, group) in file.groups.enumerated() {
            let groupDir = "\(dir)/\(i)"
            try FileManager.default.createDirectory(atPath: groupDir, withIntermediateDirectories: true)
            _ = try PKI.materialize(group.pki, into: groupDir, serverAccount: try ServerAccount.current())
            let hba = group.hba.map { $0.line.replacingOccurrences(of: "\t", with: " ") }
            try (hba.joined(separator: "\n") + "\n").write(
                toFile: "\(groupDir)/pg_hba.conf", atomically: true, encoding: .utf8)
            try group.settings.text.replacingOccurrences(of: "{files}", with: groupDir).write(
                toFile: "\(groupDir)/postgresql.conf", atomically: true, encoding: .utf8)
            out.append((hba, groupDir))
        }
        return out
    }

    @Test(
        "the examples' hardening and chain-option configs as real files: the findings their lines call for",
        .enabled(if: canRun), .timeLimit(.minutes(10)),
        arguments: ["tls-hardening.yaml", "chain-option1-server-bundle.yaml", "chain-option2-client-bundle.yaml"])
    func seedConfigurations(example: String) async throws {
        let dir = NSTemporaryDirectory() + "/check-config-\(getpid())-\(example)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for (hba, groupDir) in try Self.writeOut(example, into: dir) {
            var arguments = [
                "check-config", "--hba", "\(groupDir)/pg_hba.conf", "--conf", "\(groupDir)/postgresql.conf",
                "--host-name", "db.example.test", "--format", "json",
            ]
            if FileManager.default.fileExists(atPath: "\(groupDir)/root.crt") {
                arguments += ["--root-cert", "\(groupDir)/root.crt"]
            }
            let r = try await CLI.run(arguments)
            #expect(r.exitCode == 0 || r.exitCode == 1, "\(r.combinedOutput)")
            let findings = try Self.findings(r.standardOutput)
            let codes = Set(findings.compactMap { $0["code"] })
            let fields = hba.map { $0.split(separator: " ").map(String.init) }
            let rejectsPlaintext = fields.contains { $0.first == "hostnossl" && $0.last == "reject" }
            let passwordMethods: Set<String> = ["password", "md5", "scram-sha-256"]
            let plaintextPasswordLine = fields.contains { $0.first == "host" && passwordMethods.contains($0[4]) }
            let tlsPasswordLine = fields.contains {
                ["host", "hostssl"].contains($0.first!) && passwordMethods.contains($0[4])
                    && !$0.contains { $0.hasPrefix("clientcert=") }
            }
            #expect(codes.contains("no-hostnossl-reject") == !rejectsPlaintext, "\(example): \(hba) \(findings)")
            #expect(
                codes.contains("plaintext-password") == (plaintextPasswordLine && !rejectsPlaintext),
                "\(example): \(hba) \(findings)")
            // The server is reachable with require and no root file whenever TLS is up and a
            // password line is there: the impostor risk, proven by such a case.
            if tlsPasswordLine, let risk = findings.first(where: { $0["code"] == "impostor-risk" }) {
                #expect(risk["proof"]?.contains("sslmode=require, no root file") == true)
            }
            #expect(codes.contains("impostor-risk") == tlsPasswordLine, "\(example): \(hba) \(findings)")
            #expect((r.exitCode == 1) == findings.contains { $0["severity"] != "info" })
        }
    }

    @Test("a config it cannot reproduce: exit 2, one clear error, nothing started", .enabled(if: canRun))
    func refusesIrreproducible() async throws {
        let dir = NSTemporaryDirectory() + "/check-config-refuse-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "hostssl all all 0.0.0.0/0 ldap ldapserver=ldap.example.test\n".write(
            toFile: "\(dir)/pg_hba.conf", atomically: true, encoding: .utf8)
        try "ssl = on\n".write(toFile: "\(dir)/postgresql.conf", atomically: true, encoding: .utf8)
        let tmp = dir + "/tmp"
        try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
        let r = try await Command.run(
            PackagePaths.sslmatrix,
            ["check-config", "--hba", "\(dir)/pg_hba.conf", "--conf", "\(dir)/postgresql.conf"],
            environment: Command.cleanEnvironment(adding: ["PGSSLMATRIX_TMPDIR": tmp]))
        #expect(r.exitCode == 2, "\(r.combinedOutput)")
        let lines = r.standardError.split(separator: "\n")
        #expect(lines.count == 1, "\(r.standardError)")
        #expect(r.standardError.contains("pg_hba.conf:1: cannot reproduce authentication method 'ldap'"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: tmp).isEmpty, "a cluster was created")
    }
}
