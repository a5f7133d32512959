import ClusterKit
import Foundation
import Testing

/// The driver probes of probes/drivers.json that the "probes" work built (pgJDBC, pgx, lib/pq,
/// PostgresNIO), each against a real throwaway TLS cluster with password login: a deliberate
/// failure (wrong password) must come back rejected with the driver's own text and SQLSTATE
/// 28P01 (invalid_password, which PostgreSQL's auth.c reports for a failed SCRAM exchange), a
/// right password over verify-full must be accepted with the server itself seeing TLS, and a
/// keyword the driver lacks must be reported, not dropped. A probe that always says "ok" fails.
@Suite("Driver probes: the protocol details of the pgJDBC, Go and PostgresNIO probes", .tags(.liveServer))
struct DriverProbeProtocolTests {
    static let drivers = ["pgjdbc", "pgx", "lib-pq", "postgresnio"]

    @Test("wrong password rejected with the driver's message; verify-full accepted with ssl = t", arguments: drivers)
    func outcomes(driver: String) async throws {
        guard let entry = DriverProbeRun.entry(driver) else {
            Issue.record("\(driver) is missing from probes/drivers.json")
            return
        }
        guard DriverProbeRun.isInstalled(driver) else {
            // Not installed on this machine: say how, the way `sslmatrix drivers` does.
            print("DriverProbeTests: \(driver) not installed; run: \(entry.setup)")
            return
        }
        let password = "right-\(UUID().uuidString.prefix(8))"
        try await TLSCluster.with(TLSClusterOptions(authentication: .password(password))) { db in
            try Self.check(driver: driver, command: entry.command, db: db, password: password)
        }
    }

    /// Every driver probe reads the server's side with the in-process probe's two statements:
    /// a copy left behind (the views instead of the function, a renamed column) would report
    /// the same facts through different SQL, or slower, without anything else failing.
    @Test(
        "every driver probe runs ConnectionAttempt's two statements, character for character",
        arguments: [
            "probes/python/probe.py", "probes/go/main.go", "probes/java/PgjdbcProbe.java",
            "probes/postgresnio/Sources/PostgresNIOProbe/Attempt.swift",
        ])
    func sameStatements(source: String) throws {
        /// The statements' text with each language's string syntax gone: quotes, `+`
        /// concatenation, Swift's line-joining backslash, and runs of whitespace.
        func collapsed(_ text: String) -> String {
            text.replacingOccurrences(of: "\"", with: " ").replacingOccurrences(of: "+", with: " ")
                .replacingOccurrences(of: "\\", with: " ")
                .split(whereSeparator: \.isWhitespace).joined(separator: " ")
        }
        let text = collapsed(try String(contentsOfFile: "\(PackagePaths.root)/\(source)", encoding: .utf8))
        for sql in [ConnectionAttempt.serverViewSQL, ConnectionAttempt.sslinfoSQL] {
            let runs = text.contains(collapsed(sql))
            #expect(runs, "\(source) does not run: \(sql)")
        }
    }

    static func check(driver: String, command: [String], db: TLSCluster, password: String) throws {
        let home = db.clientDirectory
        var good = db.connectionParameters(sslmode: "verify-full")
        good.password = password
        var bad = good
        bad.password = "wrong-\(password)"
        var bound = good
        bound.channelBinding = "require"
        let lines = [
            DriverProbeRun.requestLine(id: "right", good.keywordValues(clientDirectory: home), home: home),
            DriverProbeRun.requestLine(id: "wrong", bad.keywordValues(clientDirectory: home), home: home),
            DriverProbeRun.requestLine(id: "bound", bound.keywordValues(clientDirectory: home), home: home),
            "this is not JSON",
        ]
        let out = try DriverProbeRun.run(command, lines: lines)
        try #require(out.count == 5, "hello + 4 answers from \(driver), got \(out)")
        let hello = out[0]
        #expect(hello["protocolVersion"] as? Int == 1 && hello["error"] == nil, "\(hello)")
        #expect((hello["driver"] as? [String: Any])?["version"] as? String != "unknown", "\(hello)")

        let right = try #require(out[1]["report"] as? [String: Any], "\(out[1])")
        #expect(right["status"] as? String == "accepted", "\(out[1])")
        let view = right["serverView"] as? [String: String] ?? [:]
        #expect(view["ssl"] == "t", "the server saw no TLS: \(out[1])")
        #expect(view["session_user"] == db.user, "\(out[1])")
        let ports = right["localPorts"] as? [Int] ?? []
        if let clientPort = view["client_port"].flatMap(Int.init), !ports.isEmpty {
            #expect(ports.contains(clientPort), "localPorts \(ports) lack the server's client_port \(clientPort)")
        }

        let wrong = try #require(out[2]["report"] as? [String: Any], "\(out[2])")
        let wrongDriver = out[2]["driver"] as? [String: Any] ?? [:]
        #expect(wrong["status"] as? String == "rejected", "\(out[2])")
        let message = wrong["errorMessage"] as? String ?? ""
        #expect(message.contains("password authentication failed for user \"\(db.user)\""), "\(out[2])")
        #expect(wrongDriver["sqlstate"] as? String == "28P01", "\(out[2])")
        #expect((wrongDriver["passed"] as? [String: Any])?["password"] as? String == "***", "\(out[2])")

        // None of the pinned drivers does SCRAM-SHA-256-PLUS: the keyword must be reported.
        let boundDriver = try #require(out[3]["driver"] as? [String: Any], "\(out[3])")
        #expect((boundDriver["unsupported"] as? [String] ?? []).contains("channel_binding"), "\(out[3])")

        #expect((out[4]["error"] as? [String: Any])?["code"] as? String == "bad-request", "\(out[4])")
    }

    @Test("the mapping table names every keyword the harness passes", arguments: drivers)
    func mapping(driver: String) throws {
        guard let entry = DriverProbeRun.entry(driver), let command = entry.mappingCommand,
            DriverProbeRun.isInstalled(driver)
        else { return }
        let out = try DriverProbeRun.run(command, lines: [])
        let rows = try #require(out.first?["mapping"] as? [[String: Any]], "\(out)")
        let keywords = Set(rows.compactMap { $0["keyword"] as? String })
        let parameters = ConnectionParameters(
            port: 5432, user: "u", password: "p", sslmode: "verify-full", sslMaxProtocolVersion: "TLSv1.3")
        for (keyword, _) in parameters.keywordValues(clientDirectory: "/nonexistent") {
            #expect(keywords.contains(keyword), "\(driver)'s mapping table lacks \(keyword)")
        }
    }
}
