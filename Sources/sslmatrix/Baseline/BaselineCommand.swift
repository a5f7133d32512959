import ArgumentParser
import ClusterKit
import Foundation
import Scenarios

/// `sslmatrix baseline record|diff`: keep what every case observed on these versions, and
/// show what a later run (new PostgreSQL, libpq or OpenSSL) changed.
struct BaselineCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "baseline",
        abstract: "Record every case's observed outcome, or show how a new run differs from a recording.",
        subcommands: [Record.self, Diff.self, Compare.self, Merge.self]
    )

    /// Every source a baseline is made of; scenario files join here (see `BaselineSource`).
    static func sources(_ versions: Versions? = nil) -> [any BaselineSource] {
        [MatrixSource(), ScenarioFileSource(modelVersions: versions)]
    }

    /// Runs every source on `installation` through `clientInstallation` (the system libpq
    /// in-process, another build in client workers) and returns the observed cases.
    static func observe(
        _ installation: Installation, client clientInstallation: ClientInstallation = .system,
        options: MatrixRunOptions, inspect: ((String, [CaseResult]) -> Void)? = nil
    ) async throws -> Baseline {
        var sources = sources()
        let client = try await clientInstallation.makeClient()
        var results: [CaseResult] = []
        let versions: VersionInfo
        do {
            // What really runs is checked before any case: a server on another OpenSSL than
            // asked fails here, not after the whole matrix.
            versions = await VersionInfo.collect(installation, client: client)
            try versions.verifyServerLibrary(of: installation)
            sources = Self.sources(versions.modelVersions)
            for source in sources {
                let found = try await source.results(installation: installation, client: client, options: options)
                inspect?(source.name, found)
                results += found
            }
            await client.shutdown()
        } catch {
            await client.shutdown()
            throw error
        }
        var baseline = Baseline(
            versions: versions, filter: options.filter, sources: sources.map(\.name), results: results)
        baseline.header.shard = options.shard?.description
        return baseline
    }

    /// "model: N cases, A agree, D disagree, E errors, S skipped", then the first
    /// disagreements' ids: what the recorded cases said when compared with the model.
    static func modelTally(_ results: [CaseResult]) -> String {
        var counts: [CaseResult.Verdict: Int] = [:]
        for r in results { counts[r.verdict, default: 0] += 1 }
        var text =
            "model: \(results.count) cases, \(counts[.agree] ?? 0) agree, \(counts[.disagree] ?? 0) disagree, \(counts[.error] ?? 0) errors, \(counts[.skipped] ?? 0) skipped"
        for r in results.filter({ $0.verdict == .disagree || $0.verdict == .error }).prefix(5) {
            text += "\n  \(r.verdict.rawValue): \(r.id): \(r.differences.first ?? "")"
        }
        return text
    }

    /// The one server and client a baseline is recorded on: `--server`/`--pg-bindir`,
    /// `--client` and `--server-library-path` chosen as for `matrix` (default: the system's).
    static func single(_ options: InstallationOptions) throws -> (Installation, ClientInstallation) {
        let all = try options.combinations()
        guard all.count == 1 else {
            throw ValidationError(
                "a baseline belongs to one server and one client; got \(all.count) combinations (give one --server and at most one --client)"
            )
        }
        return all[0]
    }

    struct Record: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the matrix and write every case's observed outcome to a diff-friendly JSON file.",
            discussion: "Default file: baselines/pg<major>-openssl<x.y>.json (relative to the current directory).")
        @OptionGroup var installation: InstallationOptions
        @OptionGroup var run: MatrixRunOptions
        @Option(help: "Where to write the baseline (default: baselines/pg<major>-openssl<x.y>.json).") var output:
            String?

        func run() async throws {
            do {
                let (inst, client) = try BaselineCommand.single(installation)
                // A recording runs the whole matrix against the model anyway: say how it
                // compared, so a recording is also a version proof of its installation.
                let baseline = try await BaselineCommand.observe(inst, client: client, options: run) {
                    FileHandle.standardError.write(Data(("\($0): " + BaselineCommand.modelTally($1) + "\n").utf8))
                }
                // A server that died recorded a crash, not behaviour: nothing is written.
                let died = baseline.cases.values.filter {
                    $0.outcome == "error" && ($0.message ?? "").hasPrefix(ServerDeath.prefix)
                }
                if !died.isEmpty {
                    FileHandle.standardError.write(
                        Data(
                            "error[server-died]: a server died during the run (\(died.count) cases could not run); nothing recorded. Run baseline record again.\n"
                                .utf8))
                    throw ExitCode(2)
                }
                let path = output ?? Baseline.defaultPath(for: baseline.header.versions)
                try emit(baseline.json, to: path)
                let notRun = baseline.cases.values.filter { $0.outcome == "error" }.count
                print(
                    "recorded \(baseline.cases.count) cases to \(path)\(notRun > 0 ? " (\(notRun) harness errors recorded as such)" : "")"
                )
                print(MatrixReport.versionLine(baseline.header.versions))
            } catch let error as ClusterKitError {
                throw failClearly(error)
            } catch let error as InstallationError {
                throw failClearly(error)
            }
        }
    }

    struct Diff: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run again and show how this run differs from a recording, grouped by kind of change.",
            discussion: """
                Opens with a three-line verdict and one entry per kind of change (outcome flips first, then \
                TLS, message and server-log changes) with its count, a word diff, the side that writes the text \
                and three example cases (--all: every case). Exit status: 0 no change, 1 a change of a kind \
                named by --fail-on (default: any), 2 could not run.
                """)
        @Argument(help: "The baseline file.") var baseline: String
        @OptionGroup var installation: InstallationOptions
        @OptionGroup var run: MatrixRunOptions
        @OptionGroup var report: DiffOutputOptions

        func run() async throws {
            let result: DriftReport
            do {
                let recorded = try Baseline.load(baseline)
                let (inst, client) = try BaselineCommand.single(installation)
                // Restricting the recording by the same filter keeps a partial rerun from
                // reporting every case it did not run as removed.
                let filter = run.filter ?? recorded.header.filter
                var options = run
                options.filter = filter
                let now = try await BaselineCommand.observe(inst, client: client, options: options)
                let diff = BaselineDiff(before: recorded.restricted(to: filter), after: now.cases)
                result = DriftReport(
                    diff, beforeLabel: baseline, afterLabel: "this run", beforeVersions: recorded.header.versions,
                    afterVersions: now.header.versions)
            } catch let error as ClusterKitError {
                throw failClearly(error)
            } catch let error as BaselineError {
                throw failClearly(error)
            } catch let error as InstallationError {
                throw failClearly(error)
            }
            let status = try report.finish(result)
            if status != 0 { throw ExitCode(status) }
        }
    }

    /// Two recordings side by side without running anything: how upgrade reports under
    /// docs/upgrades are made from the committed baselines.
    struct Compare: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compare two baseline files (old, new) without running anything, grouped by kind of change.",
            discussion: "Same output and exit status as `baseline diff`; cases are compared where both files have them."
        )
        @Argument(help: "The older recording.") var before: String
        @Argument(help: "The newer recording.") var after: String
        @OptionGroup var report: DiffOutputOptions
        @OptionGroup var installation: AcceptedInstallationOptions

        func run() async throws {
            let result: DriftReport
            do {
                let old = try Baseline.load(before), new = try Baseline.load(after)
                let diff = BaselineDiff(before: old.cases, after: new.cases)
                result = DriftReport(
                    diff, beforeLabel: before, afterLabel: after, beforeVersions: old.header.versions,
                    afterVersions: new.header.versions)
            } catch let error as BaselineError {
                throw failClearly(error)
            }
            let status = try report.finish(result)
            if status != 0 { throw ExitCode(status) }
        }
    }
}
