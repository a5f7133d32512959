import Foundation
import Testing

@testable import ClusterKit
@testable import Scenarios

/// Values written into server files and SQL stay the one value they were meant to be.
@Suite("Robustness: config files and SQL cannot be smuggled into")
struct ConfigGrammarTests {
    @Test("postgresql.conf strings escape quotes and backslashes as guc-file.l reads them")
    func confString() {
        #expect(ConfigGrammar.confString("plain") == "'plain'")
        #expect(ConfigGrammar.confString("it's") == "'it''s'")
        #expect(ConfigGrammar.confString(#"x\'"#) == #"'x\\'''"#)
        #expect(ServerSettings.Value.string(#"C:\dir"#).description == #"'C:\\dir'"#)
    }

    @Test("setting names follow the lexer; reserved names in any case are refused")
    func settingNames() throws {
        for good in ["ssl", "ssl_ciphers", "_x", "myext.setting"] { #expect(ConfigGrammar.isSettingName(good)) }
        for bad in ["123", "a.b.c", "", "-x", "a b", "a\nb", "x=1", ".a", "a."] {
            #expect(!ConfigGrammar.isSettingName(bad), "\(bad)")
        }
        for name in ["port", "PORT", "Listen_Addresses", "include", "INCLUDE_DIR", "cluster_name"] {
            #expect(throws: ClusterKitError.reservedSetting(name: name)) {
                try ServerSettings([(name, .string("x"))]).validate()
            }
        }
        let error = #expect(throws: ClusterKitError.self) {
            try ServerSettings([("application_name", .string("x'\nport = 1"))]).validate()
        }
        #expect(error?.code == "unsafe-config-value")
    }

    @Test("an hba field stays one token: no line, field, option or comment can be added")
    func hbaTokens() throws {
        let smuggled = [
            HBARule(.host, method: "scram-sha-256\nhost all all all trust"),
            HBARule(.host, method: "md5\rhost all all all trust"),
            HBARule(.host, user: "alice bob", method: "trust"),
            HBARule(.host, user: "a#b", method: "trust"),
            HBARule(.host, address: "127.0.0.1/32,0/0", method: "trust"),
            HBARule(.host, user: "\"open", method: "trust"),
            HBARule(.hostssl, method: "cert", options: [.init("clientcert", "verify-full x=y")]),
            HBARule(.hostssl, method: "cert", options: [.init("a b", "c")]),
        ]
        for rule in smuggled {
            let error = #expect(throws: ClusterKitError.self, "\(rule.line)") { try rule.validate() }
            #expect(error?.code == "unsafe-config-value")
        }
        // What PostgreSQL itself judges is still written (a quoted name with blanks, a list, an unknown method).
        for rule in [
            HBARule(.host, user: "\"alice bob\"", method: "trust"), HBARule(.host, database: "a,b", method: "bogus"),
            HBARule(.hostssl, method: "cert", options: [.init("clientcert", "verify-full")]),
        ] {
            try rule.validate()
        }
    }

    @Test("pg_ident: the system user is quoted, a newline in any field refused")
    func ident() throws {
        #expect(ConfigGrammar.hbaQuoted("CN=alice, O=x") == "\"CN=alice, O=x\"")
        #expect(ConfigGrammar.hbaQuoted("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(ConfigGrammar.hbaQuoted("alice") == "alice")
        let error = #expect(throws: ClusterKitError.self) {
            try IdentMapEntry(map: "m", systemUser: "alice", databaseUser: "alice\nm /^(.*)$ postgres").validate()
        }
        #expect(error?.code == "unsafe-config-value")
    }

    @Test("one SQL quoting function: identifiers and literals, NUL and truncation refused")
    func sqlQuoting() throws {
        #expect(try SQLQuoting.identifier("a\"b") == "\"a\"\"b\"")
        #expect(try SQLQuoting.literal("it's") == "'it''s'")
        #expect(try SQLQuoting.literal(#"a\b'"#) == #"E'a\\b'''"#)
        #expect(throws: ClusterKitError.self) { try SQLQuoting.identifier("a\0b") }
        #expect(throws: ClusterKitError.self) { try SQLQuoting.literal("a\0b") }
        #expect(throws: ClusterKitError.self) { try SQLQuoting.identifier(String(repeating: "r", count: 64)) }
        #expect(try SQLQuoting.identifier(String(repeating: "r", count: 63)).count == 65)
        let role = RoleSpec(name: "bob", password: "hunter2")
        #expect(!role.redactedSQL.contains("hunter2"))
    }

    @Test("control characters are shown escaped, never sent to the terminal")
    func escaping() {
        #expect(ConfigGrammar.escaped("\u{1B}[31mred\n") == "\\u{1B}[31mred\\n")
        #expect(ConfigGrammar.terminalSafe("a\nb\u{1B}c") == "a\nb\\u{1B}c")
    }

    @Test("a real server reads back exactly the quoted value, and quoted roles log in", .tags(.liveServer))
    func liveRoundTrip() async throws {
        let tricky = #"x\'; port = 1 -- it's \\ "q""#
        try await Cluster.with { cluster in
            try cluster.configure(ServerSettings([("sslmatrix.probe", .string(tricky))]))
            try cluster.setHBA([HBARule(.host, user: "\"we\"\"ird user\"", method: "scram-sha-256")])
            try await cluster.start()
            #expect(try await cluster.queryValue("SELECT current_setting('sslmatrix.probe')") == tricky)
            #expect(
                try await cluster.queryValue("SELECT count(*) FROM pg_hba_file_rules WHERE error IS NOT NULL") == "0")
            let role = RoleSpec(name: #"we"ird user"#, password: #"pa'ss\word"#)
            try await cluster.query(try role.sql())
            #expect(
                try await cluster.queryValue(#"SELECT rolname FROM pg_roles WHERE rolname LIKE 'we%'"#) == role.name)
            let probe = Probe(cluster: cluster)
            let outcome = await probe.connect(
                ConnectionParameters(
                    host: "127.0.0.1", port: cluster.port, user: role.name, password: role.password, sslmode: "disable")
            )
            guard case .accepted = outcome.result else {
                Issue.record("the quoted role could not log in with its quoted password: \(outcome)")
                return
            }
        }
    }
}
