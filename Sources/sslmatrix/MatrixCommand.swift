import ArgumentParser
import ClusterKit
import Foundation
import Scenarios

/// `sslmatrix matrix`: the built-in matrix on real clusters, checked against the model.
struct MatrixCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "matrix",
        abstract: "Run the built-in sslmode x pg_hba x certificate-chain matrix on real clusters and compare it with the model.")

    @OptionGroup var installation: InstallationOptions
    @Option(help: "Only groups or cases whose id contains this text.") var filter: String?
    @Option(help: "Output: text, json, markdown, junit.") var format: ReportFormat = .text
    @Option(help: "Write the report here instead of standard output.") var output: String?
    @Option(help: "Clusters running at once.") var groups: Int = 3
    @Option(help: "Probes in flight per cluster.") var probes: Int = 8
    @Option(help: "Show at most this many disagreements in text output.") var show: Int = 20

    func run() async throws {
        do {
            var exitCode: Int32 = 0
            for inst in try installation.installations() {
                let report = try await MatrixRun.run(installation: inst, filter: filter, groupParallelism: groups, probeParallelism: probes)
                try emit(report.render(format, showDisagreements: show), to: output)
                if report.disagreements > 0 || report.errors > 0 { exitCode = 1 }
            }
            if exitCode != 0 { throw ExitCode(exitCode) }
        } catch let error as ClusterKitError {
            throw failClearly(error)
        }
    }
}

/// Runs the model's matrix for one installation and wraps the results in a report.
enum MatrixRun {
    static func run(installation: Installation, filter: String?, groupParallelism: Int, probeParallelism: Int) async throws -> MatrixReport {
        var groups = MatrixDefinition.groups
        if let filter {
            groups = groups.compactMap { g in
                if g.id.contains(filter) { return g }
                var g = g
                g.scenarios = g.scenarios.filter { $0.id.contains(filter) }
                return g.scenarios.isEmpty ? nil : g
            }
        }
        let runnable = groups.map { MatrixRealizer.realize($0, major: installation.major) }
        let progress = ProgressLine(title: "matrix \(installation.major)")
        let start = Date()
        let runner = ScenarioRunner(installation: installation, groupParallelism: groupParallelism,
                                    probeParallelism: probeParallelism, progress: { done, total in progress.update(done, total) })
        let results = await runner.run(runnable)
        progress.finish()
        return MatrixReport(installation: installation, results: results, elapsed: Date().timeIntervalSince(start),
                            versions: await VersionInfo.collect(installation))
    }
}

func emit(_ text: String, to path: String?) throws {
    if let path {
        try SecureFiles.write(text, to: path, mode: 0o644)
    } else {
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}
