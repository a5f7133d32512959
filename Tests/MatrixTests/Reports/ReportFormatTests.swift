import ClusterKit
import Foundation
import FoundationXML
import Scenarios
import Testing

/// The report formats on a real run of two installations (the same bindir twice: only
/// PostgreSQL 15 is installed here), re-rendered from one saved JSON report.
@Suite("reports", .serialized, .tags(.cli))
struct ReportFormatTests {
    /// The 120 cases of the expired-chain heatmap (sslmode x hba, client trusts root).
    static let filter = "expired / trust root / user"
    static var canRun: Bool {
        FileManager.default.isExecutableFile(atPath: PackagePaths.sslmatrix) && (try? Installation.discover()) != nil
    }
    static var hasChromium: Bool {
        ["/usr/bin/chromium", "/usr/bin/chromium-browser"].contains { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// One run of the group on two installations, saved as JSON; shared by the tests below.
    static let saved: Task<String, any Error> = Task {
        let bindir = try Installation.discover().bindir
        let path = NSTemporaryDirectory() + "/sslmatrix-two-runs-\(getpid()).json"
        let r = try await CLI.run([
            "matrix", "--filter", filter, "--pg-bindir", bindir, "--pg-bindir", bindir,
            "--format", "json", "--output", path,
        ])
        guard FileManager.default.fileExists(atPath: path) else { throw CLIFailure(text: r.combinedOutput) }
        return path
    }

    static func render(_ format: String, _ input: String) async throws -> String {
        let r = try await CLI.run(["report", input, "--format", format])
        guard r.exitCode == 0 else { throw CLIFailure(text: r.combinedOutput) }
        return r.standardOutput
    }

    @Test(
        "two installations: one section each, markdown cells side by side", .enabled(if: canRun),
        .timeLimit(.minutes(10)))
    func sideBySide() async throws {
        let json = try await Self.saved.value
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any])
        #expect((object["runs"] as? [Any])?.count == 2)
        let md = try await Self.render("markdown", json)
        #expect(md.contains("## 15.18: PostgreSQL 15.18") && md.contains("## 15.18 #2: PostgreSQL 15.18"))
        #expect(md.contains("each cell: 15.18 · 15.18 #2"))
        #expect(md.contains("### server chain: expired"))
        #expect(
            md.range(of: #"\| (disable|require) \| [EPRX]!? · [EPRX]!? \|"#, options: .regularExpression) != nil,
            "\(md)")
        let text = try await Self.render("text", json)
        #expect(text.components(separatedBy: "pg-ssl-matrix: PostgreSQL 15.18").count == 3)
    }

    @Test(
        "junit is well-formed XML with the JUnit shape and consistent counts", .enabled(if: canRun),
        .timeLimit(.minutes(10)))
    func junitValidates() async throws {
        let xml = try await Self.render("junit", try await Self.saved.value)
        let doc = try XMLDocument(xmlString: xml)
        let root = try #require(doc.rootElement())
        #expect(root.name == "testsuites")
        let suites = root.elements(forName: "testsuite")
        #expect(suites.count == 2)
        var total = 0
        for suite in suites {
            let cases = suite.elements(forName: "testcase")
            #expect(Int(suite.attribute(forName: "tests")?.stringValue ?? "") == cases.count)
            for attr in ["failures", "errors", "skipped"] {
                #expect(Int(suite.attribute(forName: attr)?.stringValue ?? "x") != nil)
            }
            for c in cases {
                #expect(c.attribute(forName: "name") != nil && c.attribute(forName: "classname") != nil)
                let outcomes =
                    c.children?.compactMap(\.name).filter { ["failure", "error", "skipped"].contains($0) } ?? []
                #expect(outcomes.count <= 1)
            }
            total += cases.count
        }
        #expect(Int(root.attribute(forName: "tests")?.stringValue ?? "") == total)
    }

    @Test(
        "html: one self-contained page, a heatmap per chain per installation, messages on hover",
        .enabled(if: canRun), .timeLimit(.minutes(10)))
    func htmlIsSelfContained() async throws {
        let html = try await Self.render("html", try await Self.saved.value)
        #expect(html.hasPrefix("<!doctype html>"))
        for external in ["http://", "https://", "<link", "src="] { #expect(!html.contains(external), "\(external)") }
        #expect(
            html.components(separatedBy: #"<table class="heat">"#).count - 1 == 2,
            "one group, one chain, two installations")
        #expect(html.contains(#"class="c enc""#) && html.contains(#"title=""#))
    }

    @Test(
        "html renders in headless chromium (scripts/screenshot-report)",
        .enabled(if: canRun && hasChromium), .timeLimit(.minutes(10)))
    func screenshot() async throws {
        let dir = NSTemporaryDirectory() + "/sslmatrix-shot-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let html = dir + "/report.html"
        try await Self.render("html", try await Self.saved.value).write(toFile: html, atomically: true, encoding: .utf8)
        let r = try await Command.run(
            "\(PackagePaths.root)/scripts/screenshot-report", [html, dir + "/report.png", "1200x900"],
            environment: Command.cleanEnvironment(adding: ["HOME": dir]))
        #expect(r.exitCode == 0, "\(r.combinedOutput)")
        let png = try #require(FileManager.default.contents(atPath: dir + "/report.png"))
        #expect(png.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        #expect(png.count > 10_000, "a blank page compresses to almost nothing")
    }

    @Test("a major the model does not know is 'unknown version, observed only' and does not fail")
    func unknownVersion() async throws {
        #expect(MessageCatalogue.supportedMajors == 14...18)
        for major in [11, 13, 19] { #expect(!MessageCatalogue.supportedMajors.contains(major)) }
        guard FileManager.default.isExecutableFile(atPath: PackagePaths.sslmatrix) else { return }

        var result = CaseResult(
            id: "require / hostssl trust / x", group: "g", verdict: .disagree,
            differences: ["expected rejected, observed accepted"], expected: "rejected", rules: [],
            observed: ObservedSummary(kind: .accepted, encrypted: true, protocol: "TLSv1.3"))
        result.labels = [
            "sslmode": "require", "hba": "hostssl trust", "chain": "root-signed", "trust": "root",
            "names": "standard", "tls": "tls-default", "certificate": "none",
        ]
        let results = try JSONSerialization.jsonObject(with: JSONEncoder().encode([result]))
        let report: [String: Any] = [
            "installation": "PostgreSQL 19.0 at /opt/pg19/bin", "elapsed": 1.0, "results": results,
            "versions": ["server": "19.0", "major": 19, "libpq": 190000],
        ]
        let path = NSTemporaryDirectory() + "/sslmatrix-pg19-\(getpid()).json"
        try JSONSerialization.data(withJSONObject: report).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }

        let text = try await Self.render("text", path)
        #expect(
            text.contains("server 19, libpq 19: unknown version, observed only, not verified (the model claims 14-18)"),
            "\(text)")
        #expect(!text.contains("Disagreements"), "an unknown version's verdicts are not judged")
        let junit = try await Self.render("junit", path)
        #expect(junit.contains(#"failures="0""#) && junit.contains("unknown version, observed only"))
        let html = try await Self.render("html", path)
        #expect(html.contains("unknown version, observed only") && !html.contains(#"<td class="c enc bad""#))
    }
}

struct CLIFailure: Error, CustomStringConvertible {
    var text: String
    var description: String { "sslmatrix failed:\n\(text)" }
}
