import ArgumentParser
import ClusterKit
import Foundation
import Scenarios

/// `sslmatrix drivers`: the matrix through other PostgreSQL drivers (probes/drivers.json),
/// each judged against libpq's model for the same case.
struct DriversCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drivers",
        abstract: "Run the matrix through other drivers' probes and report how each deviates from libpq.",
        discussion: """
            The reference is the model's prediction for this program's libpq and the server; the \
            server's side (pg_stat_ssl, its log) says what really happened. Deviations are classified \
            security-relevant, stricter, message only or session detail. A driver that is not \
            installed is skipped with the command that installs it. Probes: docs/driver-probes.md.
            """)

    @OptionGroup var installation: InstallationOptions
    @Option(name: .customLong("driver"), help: "A driver from probes/drivers.json (repeatable; default: all).")
    var drivers: [String] = []
    @Option(help: "Only groups or cases whose id contains this text.") var filter: String?
    @Option(help: "Clusters running at once (each runs one driver connection at a time).") var groups: Int = 3
    @Option(help: "Output: text, json, markdown, junit, html.") var format: ReportFormat = .text
    @Option(help: "Write the report here instead of standard output.") var output: String?
    @Option(help: "Show at most this many deviations per driver in text output.") var show: Int = 20
    @Flag(help: "Also run the matrix through this program's libpq (checked against the model) as the first column.")
    var libpq = false
    @Flag(help: "List the registered drivers, whether each is installed, and its setup command; starts nothing.")
    var list = false

    func validate() throws {
        guard groups >= 1 else { throw ValidationError("--groups must be at least 1 (got \(groups))") }
    }

    func run() async throws {
        do {
            let registry = try DriverRegistry.load()
            let selected = try registry.select(drivers)
            if list {
                for d in registry.drivers {
                    let state = d.isInstalled(in: registry) ? "installed" : "not installed (\(d.setup))"
                    print("\(d.name)\t\(d.language)\t\(state)")
                }
                return
            }
            let server = try installation.installations()[0]
            var reports = try await DriverMatrix.run(
                selected, registry: registry, installation: server, filter: filter, groups: groups)
            if libpq {
                let reference = try await MatrixRun.run(
                    installation: server, filter: filter, groupParallelism: groups, probeParallelism: 8)
                reports.insert(reference, at: 0)
            }
            let style = output == nil ? TerminalStyle.forStandardOutput(wide: false) : TerminalStyle(wide: false)
            try emit(ReportSet(reports).render(format, showDisagreements: show, style: style), to: output)
            if reports.contains(where: \.fails) { throw ExitCode(1) }
        } catch let error as DriverError {
            throw failClearly(error)
        } catch let error as ClusterKitError {
            throw failClearly(error)
        } catch let error as InstallationError {
            throw failClearly(error)
        }
    }
}

/// Runs the matrix once per driver; skips (with the setup command) what is not installed.
enum DriverMatrix {
    static func run(
        _ drivers: [Driver], registry: DriverRegistry, installation: Installation, filter: String?, groups: Int
    ) async throws -> [MatrixReport] {
        let versions = await VersionInfo.collect(installation, client: .inProcess)
        var reports: [MatrixReport] = []
        var skipped: [String] = []
        for driver in drivers {
            guard driver.isInstalled(in: registry) else {
                RunNotes.say("skipping \(driver.name): not installed; install it with `\(driver.setup)`")
                skipped.append(driver.name)
                continue
            }
            let client: ProbeClient
            do {
                client = try await driver.makeClient(in: registry)
            } catch {
                RunNotes.say("skipping \(driver.name): \(error)")
                skipped.append(driver.name)
                continue
            }
            reports.append(
                try await run(
                    driver, client: client, installation: installation, versions: versions, filter: filter,
                    groups: groups))
        }
        if reports.isEmpty {
            throw DriverError.notInstalled(
                name: skipped.joined(separator: ", "),
                setup: "scripts/setup --drivers " + (skipped.isEmpty ? "all" : skipped.joined(separator: ",")))
        }
        return reports
    }

    static func run(
        _ driver: Driver, client: ProbeClient, installation: Installation, versions: VersionInfo, filter: String?,
        groups: Int
    ) async throws -> MatrixReport {
        guard case .worker(let pool) = client, let identity = pool.driver else {
            throw DriverError.probeFailed(name: driver.name, reason: "not a driver probe", setup: driver.setup)
        }
        let runnable = MatrixRun.groups(versions: versions.modelVersions, filter: filter, serverSettings: [])
        let progress = ProgressLine(title: "driver \(driver.name)")
        let start = Date()
        var runner = ScenarioRunner(
            installation: installation, groupParallelism: groups, probeParallelism: 1,
            progress: { done, total in progress.update(done, total) }, note: RunNotes.say)
        runner.client = client
        let (results, _) = await runner.runCounting(runnable)
        progress.finish()
        let restarts = await pool.restarts
        await client.shutdown()
        var report = MatrixReport(
            installation: installation, results: results, elapsed: Date().timeIntervalSince(start), versions: versions)
        report.driver = DriverRun(
            identity: identity, entry: driver, conformance: DriverConformanceSummary(results), restarts: restarts)
        return report
    }
}
