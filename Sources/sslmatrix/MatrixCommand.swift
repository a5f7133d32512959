import ArgumentParser
import ClusterKit
import Foundation
import Scenarios

/// `sslmatrix matrix`: the built-in matrix on real clusters, checked against the model.
struct MatrixCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "matrix",
        abstract:
            "Run the built-in sslmode x pg_hba x certificate-chain matrix on real clusters and compare it with the model.",
        discussion: """
            With several installations (--pg-bindir repeated, or --all-installed) every one runs the \
            same matrix; the report has one section per installation, and markdown/html put them side \
            by side. A major the model has no wording for (outside \(MessageCatalogue.supportedMajors)) \
            is reported as "unknown version, observed only" and does not fail the run.
            """)

    @OptionGroup var installation: InstallationOptions
    @OptionGroup var run: MatrixRunOptions
    @Option(help: "Output: text, json, markdown, junit, html.") var format: ReportFormat = .text
    @Option(help: "Write the report here instead of standard output.") var output: String?
    @Option(help: "Show at most this many disagreements in text output.") var show: Int = 20
    @Option(help: "Compare with this baseline file and show the drift in the report (html: a diff view).")
    var baseline: String?
    @Flag(
        help: "Text: the wide form (a column per pg_hba rule, nothing cut) instead of compact heatmaps in 120 columns.")
    var wide = false

    @Flag(help: "List the case ids (with --filter: those it selects) and counts; starts nothing.") var list = false

    func run() async throws {
        if list {
            FileHandle.standardOutput.write(Data(MatrixListing.text(filter: run.filter).utf8))
            return
        }
        do {
            let recorded = try baseline.map(Baseline.load)
            var reports: [MatrixReport] = []
            for (inst, clientInstallation) in try installation.combinations() {
                let client = try await clientInstallation.makeClient()
                var report: MatrixReport
                do {
                    report = try await MatrixRun.run(installation: inst, client: client, options: run)
                    await client.shutdown()
                } catch {
                    await client.shutdown()
                    throw error
                }
                if let recorded, let baseline {
                    report.baselinePath = baseline
                    var diff = BaselineDiff(
                        before: recorded.restricted(to: run.filter),
                        after: Baseline(
                            versions: report.versions, filter: run.filter, sources: ["matrix"], results: report.results
                        ).cases)
                    diff.baselineVersions = recorded.header.versions
                    report.baselineDiff = diff
                }
                reports.append(report)
            }
            let style = output == nil ? TerminalStyle.forStandardOutput(wide: wide) : TerminalStyle(wide: wide)
            try emit(ReportSet(reports).render(format, showDisagreements: show, style: style), to: output)
            if reports.contains(where: \.fails) { throw ExitCode(1) }
        } catch let error as ClusterKitError {
            throw failClearly(error)
        } catch let error as BaselineError {
            throw failClearly(error)
        } catch let error as InstallationError {
            throw failClearly(error)
        }
    }
}

/// How a matrix run is cut down or bent; shared by `matrix` and `baseline`.
struct MatrixRunOptions: ParsableArguments {
    @Option(help: "Only groups or cases whose id contains this text.") var filter: String?
    @Option(help: "Clusters running at once.") var groups: Int = 3
    @Option(help: "Probes in flight per cluster.") var probes: Int = 8
    @Flag(
        name: .customLong("no-reuse"),
        help:
            "Give every group a fresh server instead of reusing the previous group's (switched by reload, or restarted) (for comparison)."
    )
    var noReuse = false
    @Option(
        help:
            "Run only part K of N (e.g. 2/3): groups split deterministically, balanced by case count; join the parts' JSON with `report merge` or `baseline merge`."
    )
    var shard: Shard?
    @Option(
        name: .customLong("server-setting"),
        help: ArgumentHelp(
            "Force NAME=VALUE into every group's postgresql.conf (repeatable): simulates a server change, e.g. ssl_min_protocol_version=TLSv1.3.",
            visibility: .hidden))
    var serverSettings: [ServerSettingOverride] = []
}

extension Shard: ExpressibleByArgument {
    public init?(argument: String) { self.init(parsing: argument) }
    public static var defaultValueDescription: String { "K/N" }
}

/// `NAME=VALUE` for `--server-setting`.
struct ServerSettingOverride: ExpressibleByArgument, Sendable {
    var name: String
    var value: String

    init?(argument: String) {
        guard let eq = argument.firstIndex(of: "=") else { return nil }
        name = String(argument[..<eq])
        value = String(argument[argument.index(after: eq)...])
        guard ServerSettings.isValidName(name) else { return nil }
    }
}

/// Runs the model's matrix for one installation and wraps the results in a report.
enum MatrixRun {
    static func run(
        installation: Installation, client: ProbeClient = .inProcess, options: MatrixRunOptions
    ) async throws -> MatrixReport {
        try await run(
            installation: installation, client: client, filter: options.filter, groupParallelism: options.groups,
            probeParallelism: options.probes, serverSettings: options.serverSettings, reuse: !options.noReuse,
            shard: options.shard)
    }

    static func run(
        installation: Installation, client: ProbeClient = .inProcess, filter: String?, groupParallelism: Int,
        probeParallelism: Int, serverSettings: [ServerSettingOverride] = [], reuse: Bool = true, shard: Shard? = nil
    ) async throws -> MatrixReport {
        let versions = await VersionInfo.collect(installation, client: client)
        try versions.verifyServerLibrary(of: installation)
        var runnable = groups(versions: versions.modelVersions, filter: filter, serverSettings: serverSettings)
        if let shard { runnable = shard.select(runnable) }
        let progress = ProgressLine(title: "matrix \(installation.major)")
        let start = Date()
        var runner = ScenarioRunner(
            installation: installation, groupParallelism: groupParallelism,
            probeParallelism: probeParallelism, reuse: reuse,
            progress: { done, total in progress.update(done, total) }, note: RunNotes.say)
        runner.client = client
        let (results, statistics) = await runner.runCounting(runnable)
        RunNotes.say(statistics.summary)
        progress.finish()
        var report = MatrixReport(
            installation: installation, results: results, elapsed: Date().timeIntervalSince(start),
            versions: versions)
        report.serverSettings = serverSettings.isEmpty ? nil : serverSettings.map { "\($0.name)=\($0.value)" }
        report.shard = shard?.description
        return report
    }

    /// The matrix's groups predicted for `versions`, cut by `filter` (a group whose id contains
    /// it is kept whole, otherwise only its cases whose id contains it), with `serverSettings` forced in.
    static func groups(
        versions: Versions, filter: String?, serverSettings: [ServerSettingOverride]
    )
        -> [RunnableGroup]
    {
        var groups = MatrixDefinition.groups
        if let filter {
            groups = groups.compactMap { g in
                if g.id.contains(filter) { return g }
                var g = g
                g.scenarios = g.scenarios.filter { $0.id.contains(filter) }
                return g.scenarios.isEmpty ? nil : g
            }
        }
        return groups.map { g in
            var r = MatrixRealizer.realize(g, versions: versions)
            for s in serverSettings { r.settings[s.name] = .string(s.value) }
            return r
        }
    }
}

/// Side remarks during a run (server reuse figures, a failed switch): on standard error,
/// so they never mix with a report on standard output.
enum RunNotes {
    @Sendable static func say(_ text: String) {
        FileHandle.standardError.write(Data("sslmatrix: \(text)\n".utf8))
    }
}

func emit(_ text: String, to path: String?) throws {
    if let path {
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        try SecureFiles.write(text, to: path, mode: 0o644)
    } else {
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}
