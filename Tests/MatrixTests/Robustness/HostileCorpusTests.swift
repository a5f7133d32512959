import ClusterKit
import Foundation
import Testing

@testable import Scenarios

/// The hostile scenario files under `Robustness/Corpus`: each says on its first line the exit
/// status and error code it must produce (`# expect: exit=2 code=unsafe-value`). Each is read
/// in-process (the typed error) and through the CLI (`sslmatrix run --format json`: exit
/// status, `error[code]` on stderr, the code in JSON on stdout), and nothing may be started.
@Suite("Robustness: hostile scenario files are refused with their exact code")
struct HostileCorpusTests {
    struct Entry: Sendable, CustomTestStringConvertible {
        let path: String
        let exit: Int32
        let code: String
        var testDescription: String { (path as NSString).lastPathComponent }
    }

    static let directory = PackagePaths.root + "/Tests/MatrixTests/Robustness/Corpus"

    static let entries: [Entry] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasSuffix(".yaml") }.sorted().compactMap { name in
            let path = "\(directory)/\(name)"
            guard let text = try? String(contentsOfFile: path, encoding: .utf8),
                let first = text.split(separator: "\n", maxSplits: 1).first, first.hasPrefix("# expect: ")
            else { return Entry(path: path, exit: -1, code: "(no expect line)") }
            var exit: Int32 = -1
            var code = ""
            for word in first.dropFirst("# expect: ".count).split(separator: " ") {
                if word.hasPrefix("exit=") { exit = Int32(word.dropFirst(5)) ?? -1 }
                if word.hasPrefix("code=") { code = String(word.dropFirst(5)) }
            }
            return Entry(path: path, exit: exit, code: code)
        }
    }()

    @Test("the corpus holds at least 60 files, each with an expectation")
    func corpusSize() {
        #expect(Self.entries.count >= 60)
        #expect(Self.entries.allSatisfy { $0.exit >= 0 && !$0.code.isEmpty })
    }

    @Test("read in-process: the typed error's code", arguments: entries)
    func inProcess(_ entry: Entry) throws {
        let error = #expect(throws: ScenarioFileError.self) { try ScenarioFile.load(path: entry.path) }
        #expect(error?.code == entry.code, "\(error.map { "\($0)" } ?? "no error")")
        if let line = error?.line { #expect(line >= 1) }
    }

    @Test("through the CLI: exit status, error[code] on stderr, the code in JSON on stdout")
    func throughCLI() async throws {
        let entries = Self.entries
        let failures = try await withThrowingTaskGroup(of: String?.self) { group in
            var next = 0
            func launch() {
                guard next < entries.count else { return }
                let entry = entries[next]
                next += 1
                group.addTask {
                    let r = try await Command.run(
                        PackagePaths.sslmatrix, ["run", "--format", "json", entry.path], timeout: 300)
                    let json = try? JSONSerialization.jsonObject(with: Data(r.standardOutput.utf8)) as? [String: Any]
                    let code = (json?["error"] as? [String: Any])?["code"] as? String
                    if r.exitCode == entry.exit, code == entry.code, r.standardError.contains("error[\(entry.code)]"),
                        !r.standardError.contains("\u{1B}"), r.signal == nil
                    {
                        return nil
                    }
                    return
                        "\(entry.testDescription): exit \(r.statusDescription), json code \(code ?? "none"), stderr \(r.standardError)"
                }
            }
            for _ in 0..<4 { launch() }
            var failures: [String] = []
            for try await failure in group {
                if let failure { failures.append(failure) }
                launch()
            }
            return failures
        }
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
        print("hostile corpus: \(entries.count) files tried, \(entries.count - failures.count) refused cleanly")
    }

    @Test("a file over 1 MiB is refused before it is parsed")
    func oversized() throws {
        let text = "description: \"" + String(repeating: "x", count: (1 << 20) + 10) + "\"\ncases: []\n"
        let error = #expect(throws: ScenarioFileError.self) { try ScenarioFile.parse(text, file: "big.yaml") }
        #expect(error?.code == "limit-exceeded")
    }
}
