import ArgumentParser
import ClusterKit
import Foundation
import Scenarios

/// `sslmatrix impostor`: the article's experiment on a real cluster, then an impostor at
/// the database's address, then the verdict. Exit 1 when any observation disagrees with the model.
struct ImpostorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "impostor",
        abstract:
            "Reproduce \"How to Spot an Impostor\" (sslmode x hostssl/hostnossl) and show what an impostor captures per sslmode."
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case terminal, markdown, json }

    @OptionGroup var installation: InstallationOptions
    @Option(help: "terminal, markdown or json.") var format: Format = .terminal
    @Flag(help: "Also run every victim through each installed driver probe (probes/drivers.json).") var drivers = false
    @Option(name: .customLong("driver"), help: "Run the victims through this driver probe too (repeatable).")
    var driverNames: [String] = []
    @Flag(help: "Terminal: the wide form (tables as wide as their longest cell) instead of 120 columns.")
    var wide = false

    func run() async throws {
        let report: ImpostorReport
        var clients: [ProbeClient] = []
        do {
            if drivers || !driverNames.isEmpty {
                let registry = try DriverRegistry.load()
                for driver in try registry.select(driverNames) {
                    guard driver.isInstalled(in: registry) else {
                        RunNotes.say("skipping \(driver.name): not installed; install it with `\(driver.setup)`")
                        continue
                    }
                    clients.append(try await driver.makeClient(in: registry))
                }
            }
            report = try await ImpostorReport.run(installation: try installation.installations()[0], drivers: clients)
            for client in clients { await client.shutdown() }
        } catch {
            for client in clients { await client.shutdown() }
            throw failClearly(error)
        }
        let text: String
        switch format {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            text = String(decoding: try encoder.encode(report), as: UTF8.self)
        case .terminal:
            text =
                ImpostorReportText(report: report, markdown: false, width: wide ? nil : TerminalStyle.defaultWidth).text
        case .markdown: text = ImpostorReportText(report: report, markdown: true).text
        }
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
        if report.disagreements > 0 { throw ExitCode(1) }
    }
}
