import Foundation
import Scenarios
import Testing

/// check-config's readers of real files, without a server.
@Suite("check-config: reading postgresql.conf and pg_hba.conf")
struct ConfigParsingTests {
    @Test("postgresql.conf: quotes, comments, name value without '=', the last occurrence wins")
    func serverConfig() throws {
        let conf = try ServerConfigFile(
            path: "p.conf",
            text: """
                # a comment
                ssl = on   # trailing comment
                ssl_cert_file = 'it''s server.crt'
                ssl_ciphers 'HIGH:!aNULL'
                ssl = off
                """)
        #expect(conf["ssl"] == "off")
        #expect(conf.settings["ssl"]?.line == 5)
        #expect(conf["ssl_cert_file"] == "it's server.crt")
        #expect(conf["ssl_ciphers"] == "HIGH:!aNULL")
    }

    @Test("include, include_if_exists and include_dir are followed from disk, relative to the including file")
    func includesFollowed() throws {
        let dir = NSTemporaryDirectory() + "/conf-include-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir + "/conf.d", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "ssl = off\ninclude 'tls.conf'\ninclude_if_exists 'missing.conf'\ninclude_dir 'conf.d'\n".write(
            toFile: dir + "/postgresql.conf", atomically: true, encoding: .utf8)
        try "ssl = on\nssl_ciphers = 'HIGH'\n".write(toFile: dir + "/tls.conf", atomically: true, encoding: .utf8)
        try "ssl_ciphers = 'HIGH:!aNULL'\n".write(
            toFile: dir + "/conf.d/10-tls.conf", atomically: true, encoding: .utf8)
        let conf = try ServerConfigFile.load(dir + "/postgresql.conf")
        #expect(conf["ssl"] == "on")
        #expect(conf["ssl_ciphers"] == "HIGH:!aNULL")
        #expect(conf.settings["ssl_ciphers"]?.file.hasSuffix("/conf.d/10-tls.conf") == true)
        #expect(throws: ConfigCheckError.self) { try ServerConfigFile(path: "p.conf", text: "include 'x.conf'\n") }
    }

    @Test("pg_hba.conf: separate netmask, quoted names, options; local lines have no address")
    func hbaLines() throws {
        let lines = try HBAFileLine.parse(
            file: "h",
            text: """
                local   all  all                peer
                host    all  "App User" 10.1.0.0 255.255.0.0  scram-sha-256
                hostssl db1,db2 app 0.0.0.0/0 cert clientcert=verify-full map=m   # comment
                """)
        #expect(lines.count == 3)
        #expect(lines[0].address == nil && lines[0].number == 1)
        #expect(lines[1].users == ["App User"] && lines[1].address == "10.1.0.0/16")
        #expect(lines[2].databases == ["db1", "db2"] && lines[2].options == ["clientcert": "verify-full", "map": "m"])
    }

    @Test("methods that need another system, @files and unknown types: one clear error each")
    func hbaRefusals() {
        for (text, code) in [
            ("host all all 0.0.0.0/0 ldap ldapserver=x", "config-not-reproducible"),
            ("host all @admins 0.0.0.0/0 md5", "config-not-reproducible"),
            ("hots all all 0.0.0.0/0 md5", "hba-malformed"),
            ("host all all 0.0.0.0/0", "hba-malformed"),
        ] {
            do {
                _ = try HBAFileLine.parse(file: "h", text: text)
                Issue.record("\(text) was accepted")
            } catch let error as ConfigCheckError {
                #expect(error.code == code, "\(text): \(error)")
                #expect(error.description.hasPrefix("h:1: "))
            } catch {
                Issue.record("\(error)")
            }
        }
    }

    @Test("address ranges: containment for IPv4 and IPv6")
    func ranges() throws {
        let ten = try #require(IPRange.parse("10.0.0.0/8"))
        #expect(ten.contains([10, 200, 3, 4]) && !ten.contains([11, 0, 0, 1]))
        let any = try #require(IPRange.parse("0.0.0.0/0"))
        #expect(any.contains([127, 0, 0, 1]))
        let v6 = try #require(IPRange.parse("::1/128"))
        #expect(v6.contains(Array(repeating: 0, count: 15) + [1]) && !v6.contains([127, 0, 0, 1]))
        #expect(IPRange.parse("10.1.2.3/33") == nil)
    }
}
