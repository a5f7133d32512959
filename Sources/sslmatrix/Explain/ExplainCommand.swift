import ArgumentParser
import ClusterKit
import Foundation
import Scenarios

/// `sslmatrix explain CASE-ID | --filter TEXT`: why the model predicts what it predicts,
/// from the model alone (no server, no files: a wrong bindir does not matter); `--run`
/// also runs the cases on a throwaway cluster and shows reality beside the prediction.
struct ExplainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract:
            "Show the model's prediction for built-in matrix cases (or a scenario file's cases) with its rule trace, without starting anything.",
        discussion: """
            Case ids are what `sslmatrix matrix --list` prints; with --file FILE they are the file's case names \
            (every case is explained as `expect: model` would predict it). Without --run nothing is started and no \
            installation is needed. Exit status: 0, or 1 when --run finds a disagreement, 2 when no case matches.
            """)

    @Argument(help: "A case id, exactly as `matrix --list` prints it.") var caseID: String?
    @Option(help: "Cases whose id (or server group id) contains this text, instead of one id.") var filter: String?
    @Option(help: "Explain at most this many cases; the others are listed by id.") var limit = 5
    @Option(help: "Model the server as this PostgreSQL major (default: the installation's, else 15).") var major: Int?
    @Option(help: "Model the client as this libpq major (default: --major, else the libpq this process loads).")
    var libpq: Int?
    @Flag(help: "Also run the cases on a throwaway cluster and show what happened beside the prediction.")
    var run = false
    @OptionGroup var installation: InstallationOptions
    @Flag(help: "Lines as long as they are instead of wrapped at 120 columns.") var wide = false
    @Option(help: "Explain a scenario file's cases (by case name) as expect: model predicts them.") var file: String?

    func validate() throws {
        if (caseID == nil) == (filter == nil) { throw ValidationError("give a case id or --filter TEXT (one of them)") }
        if limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    func run() async throws {
        if let file { return try await explainFile(file) }
        let selected = CaseSelection.groups(id: caseID, filter: filter)
        let sizes = Dictionary(MatrixDefinition.groups.map { ($0.id, $0.scenarios.count) }, uniquingKeysWith: +)
        let ids = selected.flatMap { $0.scenarios.map(\.id) }
        guard !ids.isEmpty else {
            var text =
                "sslmatrix: no built-in matrix case \(caseID.map { "has the id '\($0)'" } ?? "matches '\(filter!)'")"
            let near = CaseSelection.suggestions(for: caseID ?? filter!)
            if !near.isEmpty { text += "; nearest ids:\n" + near.map { "  " + $0 }.joined(separator: "\n") }
            FileHandle.standardError.write(Data((text + "\n(`sslmatrix matrix --list` lists every id)\n").utf8))
            throw ExitCode(2)
        }
        let (versions, note) = try modelVersions()
        let shown = Set(ids.prefix(limit))
        var groups = selected.compactMap { g -> MatrixGroup? in
            var g = g
            g.scenarios = g.scenarios.filter { shown.contains($0.id) }
            return g.scenarios.isEmpty ? nil : g
        }
        groups.sort { $0.id < $1.id }
        let realized = groups.map { MatrixRealizer.realize($0, versions: versions) }
        var results: [String: CaseResult] = [:]
        if run {
            do {
                let inst = try installation.installations()[0]
                let progress = ProgressLine(title: "explain --run")
                let runner = ScenarioRunner(
                    installation: inst, groupParallelism: 2, progress: { progress.update($0, $1) })
                for r in await runner.run(realized) { results[r.id] = r }
                progress.finish()
            } catch let error as ClusterKitError {
                throw failClearly(error)
            }
        }
        let style = TerminalStyle.forStandardOutput(wide: wide)
        var out = [note, ""]
        for (group, runnable) in zip(groups, realized) {
            for (scenario, spec) in zip(group.scenarios, runnable.cases) {
                guard case .model(let expectation) = spec.expectation else { continue }
                let text = ExplainText(
                    scenario: scenario, group: runnable, spec: spec, expectation: expectation,
                    result: results[scenario.id], groupSize: sizes[group.id] ?? runnable.cases.count)
                out += text.lines + [""]
            }
        }
        if ids.count > limit {
            out.append("\(ids.count) cases match; explained the first \(limit) (--limit N for more). The others:")
            out += ids.dropFirst(limit).prefix(200).map { "  " + $0 }
            if ids.count > limit + 200 { out.append("  ... and \(ids.count - limit - 200) more") }
        }
        let text = out.map { style.wrapAll($0, continuation: "       ") }.joined(separator: "\n") + "\n"
        FileHandle.standardOutput.write(Data(text.utf8))
        if results.values.contains(where: { $0.verdict == .disagree || $0.verdict == .error }) { throw ExitCode(1) }
    }

    /// `--file`: the file's cases through the translator and the model, one ExplainText each.
    func explainFile(_ path: String) async throws {
        let loaded: ScenarioFile
        do {
            loaded = try ScenarioFile.load(path: path, expectModel: true)
        } catch {
            throw failClearly(error)
        }
        let (versions, note) = try modelVersions()
        let file = loaded.predicted(versions: versions)
        let matching = file.groups.map { g in
            (g, g.cases.filter { c in caseID.map { c.id == $0 } ?? c.id.localizedCaseInsensitiveContains(filter!) })
        }.filter { !$0.1.isEmpty }
        let count = matching.reduce(0) { $0 + $1.1.count }
        guard count > 0 else {
            let names = file.groups.flatMap { $0.cases.map(\.id) }.prefix(50).map { "  " + $0 }
            FileHandle.standardError.write(
                Data(
                    "sslmatrix: no case of \(path) \(caseID.map { "is named '\($0)'" } ?? "matches '\(filter!)'"); its cases:\n\(names.joined(separator: "\n"))\n"
                        .utf8))
            throw ExitCode(2)
        }
        var results: [String: CaseResult] = [:]
        if run {
            let inst = try installation.installations()[0]
            let groups = matching.map { g, cases in
                var g = g
                g.cases = cases
                return g
            }
            for r in await ScenarioRunner(installation: inst, groupParallelism: 2).run(groups) {
                results[r.group + "\u{1}" + r.id] = r
            }
        }
        let scenarios = Dictionary(
            loaded.modelScenarios.map { ($0.group + "\u{1}" + $0.id, $0.scenario) }, uniquingKeysWith: { a, _ in a })
        let style = TerminalStyle.forStandardOutput(wide: wide)
        var out = [note, ""]
        var shown = 0
        for (group, cases) in matching {
            for spec in cases {
                guard shown < limit, let expectation = spec.expectation.prediction,
                    let scenario = scenarios[group.id + "\u{1}" + spec.id]
                else { continue }
                shown += 1
                var text = ExplainText(
                    scenario: scenario, group: group, spec: spec, expectation: expectation,
                    result: results[group.id + "\u{1}" + spec.id], groupSize: group.cases.count)
                text.title = "\(path): \(group.id) / \(spec.id)"
                out += text.lines + [""]
            }
        }
        if count > limit { out.append("\(count) cases match; explained the first \(limit) (--limit N for more).") }
        let text = out.map { style.wrapAll($0, continuation: "       ") }.joined(separator: "\n") + "\n"
        FileHandle.standardOutput.write(Data(text.utf8))
        if results.values.contains(where: { $0.verdict == .disagree || $0.verdict == .error }) { throw ExitCode(1) }
    }

    /// The versions the model predicts for (server major, libpq major), and a line saying where they came from.
    func modelVersions() throws -> (Versions, String) {
        let known = MessageCatalogue.supportedMajors
        for (name, value) in [("--major", major), ("--libpq", libpq)] {
            if let value, !known.contains(value) {
                throw failClearly(
                    ValidationError(
                        "\(name) \(value): the model claims PostgreSQL \(known.lowerBound)-\(known.upperBound) (checked on real binaries here), not \(value)"
                    ))
            }
        }
        let ownLibpq = ReleaseVersion(versionNumber: PGConnection.libraryVersion).major
        if let major {
            let v = Versions(server: major, libpq: libpq ?? major)
            return (v, "model: \(v) (--major\(libpq == nil ? "" : ", --libpq"))")
        }
        do {
            let inst = try installation.installations()[0]
            var v = Versions.inProcess(server: inst)
            if let libpq { v.libpq = libpq }
            if v.modelKnows { return (v, "model: \(v) (the installation at \(inst.bindir), this process's libpq)") }
            if run { return (v, "model: \(v) is outside what the model claims (not verified)") }
        } catch {
            if run { throw failClearly(error) }
            let v = Versions(server: 15, libpq: libpq ?? (known.contains(ownLibpq) ? ownLibpq : 15))
            return (v, "model: \(v) (no usable installation: \(error); --major N to choose)")
        }
        return (Versions(server: 15, libpq: libpq ?? 15), "model: server 15, libpq \(libpq ?? 15)")
    }
}
