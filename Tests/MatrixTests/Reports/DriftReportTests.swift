import Foundation
import Testing

/// `baseline compare` on two hand-made recordings: each kind of change is one entry with
/// its count, in the order outcome flips, TLS, messages, server log, added/removed cases;
/// the side that writes the changed words is named; `--fail-on` gates only on its kinds.
/// No server is needed: the input is built here, so what must come out follows from it.
@Suite("baseline drift summary", .tags(.cli))
struct DriftReportTests {
    static var canRun: Bool { FileManager.default.isExecutableFile(atPath: PackagePaths.sslmatrix) }

    /// A recording: versions plus cases (id -> fields).
    static func write(server: String, major: Int, cases: [String: [String: Any]]) throws -> String {
        let header: [String: Any] = [
            "format": 1, "cases": cases.count, "sources": ["matrix"],
            "versions": [
                "server": server, "major": major, "libpq": 150018,
                "serverOpenSSL": ["version": "OpenSSL 3.0.19 27 Jan 2026"],
                "libpqSSLLibrary": "OpenSSL 3.0.19 27 Jan 2026",
            ],
        ]
        let path = NSTemporaryDirectory() + "/drift-\(UUID()).json"
        let data = try JSONSerialization.data(withJSONObject: ["header": header, "cases": cases])
        try data.write(to: URL(fileURLWithPath: path))
        return path
    }

    static func rejected(_ user: String, message: String, log: [String]) -> [String: Any] {
        ["group": "g", "outcome": "rejected", "user": user, "message": message, "serverLog": log]
    }

    static func fatal(_ user: String, _ tail: String) -> String {
        #"connection to server at "127.0.0.1", port <PORT> failed: FATAL:  no pg_hba.conf entry for host "127.0.0.1", user "\#(user)", database "postgres", \#(tail)"#
    }

    /// Before: 15; after: 18 with three wording changes, one flip, one case gone, one new.
    static func pair(flip: Bool) throws -> (String, String) {
        var before: [String: [String: Any]] = [:], after: [String: [String: Any]] = [:]
        // Server log: OpenSSL's reason reworded (4 cases, different users).
        for i in 0..<4 {
            before["eof \(i)"] = rejected(
                "u\(i)", message: "m", log: ["LOG:  could not accept SSL connection: EOF detected"])
            after["eof \(i)"] = rejected(
                "u\(i)", message: "m", log: ["LOG:  could not accept SSL connection: unexpected eof while reading"])
        }
        // Client message: the server's FATAL (relayed by libpq) gains words (3 cases, different users).
        for i in 0..<3 {
            before["hba \(i)"] = rejected("v\(i)", message: fatal("v\(i)", "no encryption"), log: [])
            after["hba \(i)"] = rejected("v\(i)", message: fatal("v\(i)", "no encryption in file"), log: [])
        }
        // Server log: a new DETAIL line whose content differs per case (2 cases).
        for i in 0..<2 {
            before["detail \(i)"] = rejected("w\(i)", message: "x", log: ["FATAL:  certificate authentication failed"])
            after["detail \(i)"] = rejected(
                "w\(i)", message: "x",
                log: [
                    "FATAL:  certificate authentication failed",
                    #"DETAIL:  Client certificate verification failed at depth 0: reason \#(i). Failed certificate data (unverified): subject "/CN=w\#(i)", serial number <SERIAL:client\#(i)>"#,
                ])
        }
        let accepted: [String: Any] = [
            "group": "g", "outcome": "accepted", "encrypted": true, "protocol": "TLSv1.3",
            "cipher": "TLS_AES_256_GCM_SHA384", "user": "z", "serverLog": [String](),
        ]
        before["flip"] = accepted
        after["flip"] =
            flip
            ? rejected(
                "z",
                message: "connection to server at \"127.0.0.1\", port <PORT> failed: SSL error: unsupported protocol",
                log: ["LOG:  could not accept SSL connection: unsupported protocol"]) : accepted
        before["gone"] = accepted
        after["new"] = accepted
        return (
            try write(server: "15.18", major: 15, cases: before), try write(server: "18.6", major: 18, cases: after)
        )
    }

    struct Report: Decodable {
        struct Entry: Decodable {
            var category: String
            var change: String
            var side: String
            var count: Int
            var cases: [String]
        }
        struct Summary: Decodable { var entries: [Entry]; var changedCases: Int; var versionChanges: [String] }
        struct Verdict: Decodable { var flipped: String; var wording: String; var action: String }
        var summary: Summary
        var verdict: Verdict
    }

    @Test("each kind of change is one entry with its count and side, flips first", .enabled(if: canRun))
    func grouped() async throws {
        let (before, after) = try Self.pair(flip: true)
        defer { for p in [before, after] { try? FileManager.default.removeItem(atPath: p) } }
        let r = try await CLI.run(["baseline", "compare", before, after, "--format", "json"])
        #expect(r.exitCode == 1, "\(r.combinedOutput)")
        let report = try JSONDecoder().decode(Report.self, from: Data(r.standardOutput.utf8))
        let entries = report.summary.entries
        #expect(
            entries.map(\.category) == ["outcome", "message", "log", "log", "cases", "cases"],
            "\(entries.map { ($0.category, $0.change, $0.count) })")
        #expect(report.summary.changedCases == 4 + 3 + 2 + 1 + 2)
        #expect(report.summary.versionChanges == ["server: 15.18 -> 18.6"])

        let flip = try #require(entries.first)
        #expect(flip.change == "accepted, encrypted -> rejected" && flip.cases == ["flip"])
        // libpq refused (no server FATAL in the log).
        #expect(flip.side == "libpq (unchanged; came with the server upgrade)")

        let message = try #require(entries.first { $0.category == "message" })
        #expect(message.count == 3 && message.change == "words added")
        #expect(message.side == "server", "the words are inside the relayed FATAL")

        let reworded = try #require(entries.first { $0.category == "log" && $0.change == "reworded" })
        #expect(reworded.count == 4)
        #expect(
            reworded.side == "OpenSSL (unchanged; came with the server upgrade)",
            "after 'could not accept SSL connection: '")

        let added = try #require(entries.first { $0.category == "log" && $0.change == "line added" })
        #expect(added.cases == ["detail 0", "detail 1"], "one entry although the lines differ per case")

        #expect(report.verdict.flipped.hasPrefix("1 case: 1 accepted, encrypted -> rejected"), "\(report.verdict)")
        #expect(report.verdict.action.contains("will be refused"))
    }

    @Test(
        "--fail-on outcome exits 1 only when an outcome flipped; the default fails on any drift",
        .enabled(if: canRun))
    func failOn() async throws {
        for flip in [true, false] {
            let (before, after) = try Self.pair(flip: flip)
            defer { for p in [before, after] { try? FileManager.default.removeItem(atPath: p) } }
            let gated = try await CLI.run(["baseline", "compare", before, after, "--fail-on", "outcome"])
            #expect(gated.exitCode == (flip ? 1 : 0), "flip=\(flip): \(gated.combinedOutput)")
            let any = try await CLI.run(["baseline", "compare", before, after])
            #expect(any.exitCode == 1)
            let logOnly = try await CLI.run(["baseline", "compare", before, after, "--fail-on", "log"])
            #expect(logOnly.exitCode == 1)
            let same = try await CLI.run(["baseline", "compare", after, after])
            #expect(same.exitCode == 0 && same.standardOutput.contains("no drift"), "\(same.combinedOutput)")
        }
    }

    @Test("the default text fits on a screen and names every kind once; --all lists every case", .enabled(if: canRun))
    func textForms() async throws {
        let (before, after) = try Self.pair(flip: true)
        defer { for p in [before, after] { try? FileManager.default.removeItem(atPath: p) } }
        let r = try await CLI.run(["baseline", "compare", before, after])
        let lines = r.standardOutput.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count < 60, "\(r.standardOutput)")
        #expect(lines[5].hasPrefix("Flipped: "))
        #expect(lines[6].hasPrefix("Wording only: "))
        #expect(lines[7].hasPrefix("Action: "))
        #expect(r.standardOutput.contains("[-EOF detected-] {+unexpected eof while reading+}"), "\(r.standardOutput)")
        #expect(r.standardOutput.contains("(+1 more: --all)"))
        let all = try await CLI.run(["baseline", "compare", before, after, "--all"])
        for i in 0..<4 { #expect(all.standardOutput.contains("eof \(i)")) }
        #expect(!all.standardOutput.contains("more: --all"))
        for format in ["markdown", "html"] {
            let out = try await CLI.run(["baseline", "compare", before, after, "--format", format])
            #expect(
                out.standardOutput.contains("<del>EOF detected</del> <ins>unexpected eof while reading</ins>"),
                "\(format)")
            #expect(out.standardOutput.contains("Flipped: ") || out.standardOutput.contains("Flipped:**"), "\(format)")
        }
    }
}
