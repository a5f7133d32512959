import ClusterKit
import Foundation
import Scenarios
import Testing

/// Malformed files: one error, with a stable code, the file and the right line.
@Suite("Scenario files: malformed files are reported precisely")
struct ScenarioFileErrorTests {
    struct Malformed: CustomTestStringConvertible, Sendable {
        var name: String
        var code: String
        var line: Int
        var mentions: String
        var yaml: String
        var testDescription: String { name }
    }

    static let base = """
        pki:
          certificates:
            - {name: root, ca: true}
            - {name: server, issuer: root, cn: db.example.test}
          files:
            - {name: root.crt, contains: [root]}
            - {name: server.crt, contains: [server]}
            - {name: server.key, key: server}
        server:
          settings: {ssl: on, ssl_cert_file: pki:server.crt, ssl_key_file: pki:server.key}
          hba: [hostssl all all all trust]
        cases:
          - name: one
            client: {user: postgres, sslmode: require}
            expect: accepted

        """

    static let cases: [Malformed] = [
        Malformed(
            name: "unknown key in client", code: "unknown-key", line: 14, mentions: "Did you mean 'sslmode'",
            yaml: base.replacingOccurrences(of: "sslmode: require", with: "sslmod: require")),
        Malformed(
            name: "undefined pki name", code: "undefined-name", line: 6, mentions: "'rot'",
            yaml: base.replacingOccurrences(of: "contains: [root]", with: "contains: [rot]")),
        Malformed(
            name: "undefined pki file in a client", code: "undefined-name", line: 14, mentions: "nope.crt",
            yaml: base.replacingOccurrences(of: "sslmode: require}", with: "sslmode: require, sslrootcert: nope.crt}")),
        Malformed(
            name: "bad regex", code: "bad-regex", line: 17, mentions: "(unclosed",
            yaml: base.replacingOccurrences(
                of: "expect: accepted", with: "expect:\n      outcome: rejected\n      message: '(unclosed'")),
        // libyaml reports where it gave up (the next line) and names where the mapping opened.
        Malformed(
            name: "bad YAML syntax", code: "yaml-syntax", line: 15, mentions: "flow mapping (line 14)",
            yaml: base.replacingOccurrences(of: "sslmode: require}", with: "sslmode: require")),
        Malformed(
            name: "invalid sslmode", code: "invalid-value", line: 14, mentions: "verify-full",
            yaml: base.replacingOccurrences(of: "sslmode: require", with: "sslmode: verify_full")),
        Malformed(
            name: "wrong type", code: "wrong-type", line: 11, mentions: "a list",
            yaml: base.replacingOccurrences(of: "hba: [hostssl all all all trust]", with: "hba: hostssl")),
        Malformed(
            name: "rejected without message", code: "missing-key", line: 15, mentions: "message",
            yaml: base.replacingOccurrences(of: "expect: accepted", with: "expect: rejected")),
    ]

    @Test("malformed file gives its code and line", arguments: cases)
    func malformed(_ c: Malformed) throws {
        do {
            _ = try ScenarioFile.parse(c.yaml, file: "bad.yaml")
            Issue.record("parsed without error")
        } catch let error as ScenarioFileError {
            #expect(error.code == c.code, "\(error)")
            #expect(error.line == c.line, "\(error)")
            #expect(error.file == "bad.yaml")
            #expect(error.description.contains(c.mentions), "\(error)")
            #expect(error.description.hasPrefix("bad.yaml:\(c.line)"), "\(error)")
        }
    }

    @Test("the well-formed base parses into one group")
    func base() throws {
        let file = try ScenarioFile.parse(Self.base, file: "good.yaml")
        #expect(file.groups.count == 1)
        #expect(file.groups[0].id == "good")
        #expect(file.caseCount == 1)
    }

    @Test("an unreadable file is one clear error")
    func unreadable() {
        #expect(throws: ScenarioFileError.self) { try ScenarioFile.load(path: "/nonexistent/x.yaml") }
    }

    /// A declared expectation that is wrong must really fail: the check can fail.
    @Test("a wrong declared expectation disagrees", .tags(.liveServer))
    func wrongExpectationFails() async throws {
        let yaml = Self.base.replacingOccurrences(
            of: "expect: accepted",
            with: """
                expect: {outcome: accepted, ssl: false}
                  - name: two
                    client: {user: postgres, sslmode: disable}
                    expect: {outcome: rejected, message: 'this text never appears'}
                """)
        let file = try ScenarioFile.parse(yaml, file: "wrong.yaml")
        let results = await ScenarioRunner(installation: try Installation.discover()).run(file.groups)
        #expect(results.count == 2)
        #expect(
            results.allSatisfy { $0.verdict == .disagree }, "\(results.map { ($0.id, $0.verdict, $0.differences) })")
    }
}
