import ArgumentParser
import ClusterKit
import Foundation
import Scenarios

/// `sslmatrix run FILE...`: a user's scenario files on real clusters, each case checked
/// against what the file declares. Every file is read and checked before any server
/// starts: one malformed file means exit 2 and nothing run.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract:
            "Run scenario files (YAML or JSON) on throwaway clusters and check every case against what the file declares.",
        discussion:
            "Exit status: 0 every case as declared, 1 a case disagreed or could not run, 2 a file is malformed (nothing started)."
    )

    enum Format: String, ExpressibleByArgument, CaseIterable, Sendable { case text, json }

    @OptionGroup var installation: InstallationOptions
    @Option(help: "Output: text (a line per case) or json.") var format: Format = .text
    @Option(help: "Clusters running at once.") var groups: Int = 3
    @Flag(
        name: .customLong("no-reuse"),
        help:
            "Give every group a fresh server instead of reusing the previous group's (switched by reload, or restarted) (for comparison)."
    )
    var noReuse = false
    @Option(help: "Run only part K of N of the files' groups (e.g. 2/3), split as for `matrix --shard`.")
    var shard: Shard?
    @Flag(help: "Text: lines as long as they are instead of wrapped at 120 columns.") var wide = false
    @Flag(
        name: .customLong("expect-model"),
        help:
            "Predict every case by the rule model instead of its own expect (keeping its server_log, server_log_absent, client_stderr and query checks): checks the model against the files. A case the model cannot cover stops the run (exit 2)."
    )
    var expectModel = false
    @Argument(help: "Scenario files.") var files: [String]

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one scenario file") }
    }

    func run() async throws {
        let scenarioFiles: [ScenarioFile]
        do {
            scenarioFiles = try files.map { try ScenarioFile.load(path: $0, expectModel: expectModel) }
        } catch {
            throw failClearly(error, json: format == .json)
        }
        do {
            var failed = false
            // The same server x client selection as `matrix` (--server/--client/--all-combinations;
            // --pg-bindir and --all-installed choose servers; default client: this program's libpq).
            for (inst, clientInstallation) in try installation.combinations() {
                let client = try await clientInstallation.makeClient()
                // `expect: model` cases are predicted for the versions really in play.
                var predicted = scenarioFiles
                if scenarioFiles.contains(where: \.needsPrediction) {
                    let versions = await VersionInfo.collect(inst, client: client).modelVersions
                    predicted = scenarioFiles.map { $0.predicted(versions: versions) }
                }
                let outcome = await ScenarioFileRun.run(
                    predicted, installation: inst, client: client, groupParallelism: groups, reuse: !noReuse,
                    shard: shard)
                await client.shutdown()
                let text = format == .json ? try outcome.json() : outcome.text(style: .forStandardOutput(wide: wide))
                FileHandle.standardOutput.write(Data(text.utf8))
                if !outcome.allAgree { failed = true }
            }
            if failed { throw ExitCode(1) }
        } catch let error as ClusterKitError {
            throw failClearly(error, json: format == .json)
        } catch let error as InstallationError {
            throw failClearly(error, json: format == .json)
        }
    }
}

/// The results of running scenario files on one installation, and how to print them.
struct ScenarioFileRun: Encodable {
    struct FileResults: Encodable {
        var path: String
        var results: [CaseResult]
    }

    var server: String
    /// The client that made the connections: its libpq version and the OpenSSL it mapped
    /// (this program's libpq, or a client worker's build).
    var client: String
    var elapsedSeconds: Double
    var files: [FileResults]

    var all: [CaseResult] { files.flatMap(\.results) }
    var allAgree: Bool { all.allSatisfy { $0.verdict == .agree || $0.verdict == .skipped } }

    static func run(
        _ scenarioFiles: [ScenarioFile], installation: Installation, client: ProbeClient = .inProcess,
        groupParallelism: Int, reuse: Bool = true, probeParallelism: Int = 8, quiet: Bool = false, shard: Shard? = nil
    ) async -> ScenarioFileRun {
        let progress = ProgressLine(title: "run \(installation.major)")
        let start = Date()
        let update: @Sendable (Int, Int) -> Void = { done, total in progress.update(done, total) }
        var runner = ScenarioRunner(
            installation: installation, groupParallelism: groupParallelism, probeParallelism: probeParallelism,
            reuse: reuse, progress: quiet ? nil : update, note: { RunNotes.say($0) })
        runner.client = client
        // Each group remembers its file, so a shard's results still split back by file.
        let all = scenarioFiles.enumerated().flatMap { index, file in file.groups.map { (index, $0) } }
        var chosen = all
        if let shard {
            let assigned = Shard.assignment(caseCounts: all.map { $0.1.cases.count }, shards: shard.count)
            chosen = all.indices.filter { assigned[$0] == shard.index - 1 }.map { all[$0] }
        }
        let (results, statistics) = await runner.runCounting(chosen.map(\.1))
        if !quiet {
            progress.finish()
            RunNotes.say(statistics.summary)
        }
        var perFile = Array(repeating: [CaseResult](), count: scenarioFiles.count)
        var remaining = results[...]
        for (fileIndex, group) in chosen {
            perFile[fileIndex] += remaining.prefix(group.cases.count)
            remaining = remaining.dropFirst(group.cases.count)
        }
        let files = scenarioFiles.indices.filter { shard == nil || !perFile[$0].isEmpty }.map {
            FileResults(path: scenarioFiles[$0].path, results: perFile[$0])
        }
        return ScenarioFileRun(
            server: installation.version,
            client: "libpq \(client.libraries.libpqVersionText), \(client.libraries.opensslShort ?? "no OpenSSL")",
            elapsedSeconds: Date().timeIntervalSince(start), files: files)
    }

    /// The summary line first (counts, time), then a line per case, each within the style's width.
    func text(style: TerminalStyle = .plain) -> String {
        var out = style.wide ? "" : summary + "\n"
        for file in files {
            out += "\(file.path) (PostgreSQL \(server); client \(client))\n"
            for r in file.results {
                let name = r.group.contains("/") ? "\(r.group.split(separator: "/", maxSplits: 1)[1]) / \(r.id)" : r.id
                switch r.verdict {
                case .agree:
                    out += "✔ \(name): \(r.observed?.shortDescription ?? r.expected)\n"
                case .skipped:
                    out += "- \(name): skipped: \(r.differences.joined(separator: "; "))\n"
                case .disagree, .error:
                    out += "✘ \(name)\(r.verdict == .error ? " (could not run)" : "")\n"
                    out += "    expected: \(r.expected)\(r.rules.first.map { " [\($0)]" } ?? "")\n"
                    if let observed = r.observed {
                        out += "    observed: \(observed.shortDescription)\n"
                        if !observed.serverLog.isEmpty && observed.kind != .serverDidNotStart {
                            out += observed.serverLog.map { "      log: \($0)\n" }.joined()
                        }
                    }
                    out += r.differences.map { Self.indent($0, by: "    ") + "\n" }.joined()
                }
            }
        }
        out += summary + "\n"
        // Names come from the file: an ANSI escape in a case name must not act on the terminal.
        return style.wrapAll(ConfigGrammar.terminalSafe(out), continuation: "      ")
    }

    var summary: String {
        let all = self.all
        let count = { (v: CaseResult.Verdict) in all.filter { $0.verdict == v }.count }
        return String(
            format:
                "%d cases generated: %d run (%d as declared, %d not as declared, %d could not run), %d skipped (%.1f s)",
            all.count, all.count - count(.skipped), count(.agree), count(.disagree), count(.error), count(.skipped),
            elapsedSeconds)
    }

    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }

    static func indent(_ text: String, by prefix: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { prefix + $0 }.joined(separator: "\n")
    }
}
