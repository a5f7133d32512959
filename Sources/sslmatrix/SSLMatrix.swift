import ArgumentParser
import ClusterKit
import Foundation

@main
struct SSLMatrix: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sslmatrix",
        abstract:
            "Prove what every sslmode x pg_hba x certificate-chain combination does, on real PostgreSQL clusters.",
        subcommands: [
            MatrixCommand.self, ExplainCommand.self, RunCommand.self, CheckConfigCommand.self, ImpostorCommand.self,
            InspectCommand.self,
            BaselineCommand.self,
            ReportCommand.self,
            BenchCommand.self, ClusterCommand.self, ProbeChildCommand.self,
        ]
    )
}

/// Options every command that starts servers shares.
struct InstallationOptions: ParsableArguments {
    @Option(
        name: .customLong("pg-bindir"),
        help:
            "PostgreSQL bindir (default: PGSSLMATRIX_BINDIR, else the newest under /usr/lib/postgresql/*/bin, else pg_config --bindir)."
    )
    var bindirs: [String] = []

    @Flag(name: .customLong("all-installed"), help: "Run against every PostgreSQL major found.")
    var allInstalled = false

    func installations() throws -> [Installation] {
        if allInstalled {
            let all = try Installation.all()
            if all.isEmpty {
                throw ClusterKitError.noPostgreSQLInstalled(searched: [
                    "/usr/lib/postgresql/*/bin", "pg_config --bindir",
                ])
            }
            return all
        }
        if bindirs.isEmpty { return [try Installation.discover()] }
        return try bindirs.map { try Installation(bindir: $0) }
    }
}

/// Errors reach the user as one clear line (the error's own description), exit status 2.
func failClearly(_ error: any Error) -> ExitCode {
    FileHandle.standardError.write(Data("sslmatrix: \(error)\n".utf8))
    return ExitCode(2)
}

/// `--pg-bindir` on commands that start no server (inspect, report, cluster reap), so one
/// command line works for every subcommand. The value is not used.
struct AcceptedInstallationOptions: ParsableArguments {
    @Option(
        name: .customLong("pg-bindir"),
        help: "Accepted like every command's --pg-bindir; this command starts no server, so it is not used.")
    var bindirs: [String] = []
}
