import ClusterKit
import Foundation
import Scenarios
import Testing

/// The example files shipped in Sources/Scenarios/examples: each must parse and every case
/// must do on a real server what the file declares.
@Suite("Scenario files: the shipped examples", .tags(.liveServer))
struct ScenarioFileExampleTests {
    static let examplesDirectory: String = {
        // Tests/MatrixTests/ScenarioFile/<this file> -> package root.
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("Sources/Scenarios/examples").path
    }()

    static let exampleFiles: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: examplesDirectory)) ?? []
        return names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".json") }.sorted()
    }()

    /// PostgreSQL's own src/test/ssl suite as scenario files (examples/postgres-ssl-suite).
    static let suiteFiles: [String] = {
        let directory = examplesDirectory + "/postgres-ssl-suite"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasSuffix(".yaml") }.sorted().map { "postgres-ssl-suite/" + $0 }
    }()

    @Test("the examples are all there")
    func examplesExist() {
        #expect(Self.exampleFiles.count >= 7, "found \(Self.exampleFiles)")
        #expect(Self.suiteFiles.count == 3, "found \(Self.suiteFiles)")
    }

    /// The file's cases, from the run of every example together (`ExampleSession`; cases that
    /// say `expect: model` are predicted for this server and this process's libpq).
    @Test("example parses and passes on a real cluster", arguments: exampleFiles + suiteFiles)
    func example(_ name: String) async throws {
        let file = try ScenarioFile.load(path: Self.examplesDirectory + "/" + name)
        #expect(file.caseCount > 0)
        let results = try await ExampleSession.shared.results(of: file)
        #expect(results.count == file.caseCount)
        Self.recordDisagreements(results, name)
    }

    /// Records every case that did not agree, with its file.
    static func recordDisagreements(_ results: [CaseResult], _ name: String) {
        for r in results where r.verdict != .agree {
            Issue.record(
                Comment(
                    rawValue: "\(name): \(r.group) / \(r.id): \(r.verdict)\n\(r.differences.joined(separator: "\n"))"))
        }
    }
}
