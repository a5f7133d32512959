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
        subcommands: [Record.self, Diff.self]
    )

    /// Every source a baseline is made of; scenario files join here (see `BaselineSource`).
    static func sources() -> [any BaselineSource] { [MatrixSource(), ScenarioFileSource()] }

    /// Runs every source on `installation` and returns the observed cases as a baseline.
    static func observe(_ installation: Installation, options: MatrixRunOptions) async throws -> Baseline {
        let sources = sources()
        var results: [CaseResult] = []
        for source in sources { results += try await source.results(installation: installation, options: options) }
        let versions = await VersionInfo.collect(installation)
        return Baseline(versions: versions, filter: options.filter, sources: sources.map(\.name), results: results)
    }

    static func single(_ options: InstallationOptions) throws -> Installation {
        let all = try options.installations()
        guard all.count == 1 else {
            throw ValidationError("a baseline belongs to one installation; got \(all.count) (give one --pg-bindir)")
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
                let inst = try BaselineCommand.single(installation)
                let baseline = try await BaselineCommand.observe(inst, options: run)
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
            }
        }
    }

    struct Diff: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run again and print, per changed case, before and after, grouped by kind of change.",
            discussion: "Exit status: 0 no change, 1 something changed, 2 could not run.")
        @Argument(help: "The baseline file.") var baseline: String
        @OptionGroup var installation: InstallationOptions
        @OptionGroup var run: MatrixRunOptions
        @Option(help: "Output: text (default) or json.") var format: DiffFormat = .text

        enum DiffFormat: String, ExpressibleByArgument { case text, json }

        func run() async throws {
            let diff: BaselineDiff
            let now: Baseline
            do {
                let recorded = try Baseline.load(baseline)
                let inst = try BaselineCommand.single(installation)
                // Restricting the recording by the same filter keeps a partial rerun from
                // reporting every case it did not run as removed.
                let filter = run.filter ?? recorded.header.filter
                var options = run
                options.filter = filter
                now = try await BaselineCommand.observe(inst, options: options)
                var d = BaselineDiff(before: recorded.restricted(to: filter), after: now.cases)
                d.baselineVersions = recorded.header.versions
                diff = d
            } catch let error as ClusterKitError {
                throw failClearly(error)
            } catch let error as BaselineError {
                throw failClearly(error)
            }
            switch format {
            case .text:
                print(
                    diff.render(baselinePath: baseline, baseline: diff.baselineVersions!, now: now.header.versions),
                    terminator: "")
            case .json: print(JSONReport.render(diff), terminator: "")
            }
            if !diff.isEmpty { throw ExitCode(1) }
        }
    }
}
