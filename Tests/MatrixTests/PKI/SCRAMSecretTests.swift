import ClusterKit
import Foundation
import Scenarios
import Testing

/// The SCRAM secret the harness derives must be the one PostgreSQL would store for the same
/// password, salt and iteration count; a password SASLprep could change is left to the server.
@Suite("SCRAM secrets derived by the harness", .tags(.liveServer))
struct SCRAMSecretTests {
    @Test("the server's own secret, re-derived from its salt and count, is ours byte for byte")
    func matchesServer() async throws {
        try await Cluster.with { cluster in
            try await cluster.start()
            for (index, password) in ["app-secret", "a'b$c d\\e:f", "x"].enumerated() {
                let quoted = password.replacingOccurrences(of: "'", with: "''")
                _ = try await cluster.query(
                    "SET password_encryption = 'scram-sha-256'; CREATE ROLE r\(index) LOGIN PASSWORD '\(quoted)'")
                let stored = try #require(
                    try await cluster.queryValue("SELECT rolpassword FROM pg_authid WHERE rolname = 'r\(index)'"))
                // SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>
                let parts = stored.split(separator: "$")
                let head = try #require(parts.count == 3 ? parts[1].split(separator: ":") : nil)
                let iterations = try #require(Int(head[0]))
                let salt = try #require(Data(base64Encoded: String(head[1])))
                #expect(SCRAMSecret.canDerive(password))
                #expect(try SCRAMSecret.derive(password: password, salt: Array(salt), iterations: iterations) == stored)
            }
        }
    }

    @Test("a role made from RoleSpec stores the derived secret and logs in with its password")
    func roleLogsIn() async throws {
        try await Cluster.with { cluster in
            try cluster.setHBA([HBARule(.host, user: "app", method: "scram-sha-256")] + cluster.hba.rules)
            try await cluster.start()
            _ = try await cluster.query(try RoleSpec(name: "app", password: "app-secret").sql())
            let stored = try await cluster.queryValue("SELECT rolpassword FROM pg_authid WHERE rolname = 'app'")
            #expect(stored == (try SCRAMSecret.secret(for: "app-secret")))
            let login = PGConnection(parameters: [
                ("host", "127.0.0.1"), ("port", "\(cluster.port)"), ("dbname", "postgres"), ("user", "app"),
                ("password", "app-secret"), ("sslmode", "disable"),
            ])
            #expect(login.isConnected, "\(login.errorMessage)")
            let wrong = PGConnection(parameters: [
                ("host", "127.0.0.1"), ("port", "\(cluster.port)"), ("dbname", "postgres"), ("user", "app"),
                ("password", "app-secreT"), ("sslmode", "disable"),
            ])
            #expect(!wrong.isConnected)
        }
    }

    @Test("passwords SASLprep could change, and empty ones, are left to the server")
    func leftToServer() throws {
        #expect(!SCRAMSecret.canDerive("pässword"))
        #expect(!SCRAMSecret.canDerive("tab\there"))
        #expect(!SCRAMSecret.canDerive(""))
        let sql = try RoleSpec(name: "u", password: "pässword").sql()
        #expect(sql.contains("PASSWORD 'pässword'"))
        let md5 = try RoleSpec(name: "u", password: "pw", passwordEncryption: "md5").sql()
        #expect(md5.contains("PASSWORD 'pw'"))
    }
}
