import ArgumentParser
import ClusterKit
import Foundation
import Scenarios

@main
struct SSLMatrix: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sslmatrix",
        abstract:
            "Prove what every sslmode x pg_hba x certificate-chain combination does, on real PostgreSQL clusters.",
        subcommands: [
            MatrixCommand.self, ExplainCommand.self, RunCommand.self, CheckConfigCommand.self,
            InstallationsCommand.self, DriversCommand.self,
            ImpostorCommand.self,
            InspectCommand.self,
            BaselineCommand.self,
            ReportCommand.self,
            BenchCommand.self, ClusterCommand.self, ProbeChildCommand.self,
        ]
    )

    /// Signal handling comes first, before arguments are parsed: a SIGINT or SIGTERM that
    /// arrives at any point (even one inherited as ignored) stops whatever was started.
    static func main() async {
        ProcessTable.installSignalHandlers()
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}

/// Options every command that starts servers shares.
struct InstallationOptions: ParsableArguments {
    @Option(
        name: .customLong("pg-bindir"),
        help:
            "PostgreSQL bindir (default: PGSSLMATRIX_BINDIR, else the newest under /usr/lib/postgresql/*/bin, else pg_config --bindir)."
    )
    var bindirs: [String] = []

    @Flag(
        name: .customLong("all-installed"),
        help: "Run against every PostgreSQL server found (Debian's and the builds `make majors` installed).")
    var allInstalled = false

    @Option(
        name: .customLong("server"),
        help: "Server: a major (15), a bindir, or an installation name from `sslmatrix installations` (repeatable).")
    var servers: [String] = []

    @Option(
        name: .customLong("client"),
        help: ArgumentHelp(
            "Client libpq: a major, a directory holding libpq, an installation name, 'system' (this program's libpq, "
                + "the default) or 'own' (each server's own libpq) (repeatable). Other than the system libpq, "
                + "probes run in pgssl-client-worker processes."))
    var clients: [String] = []

    @Option(
        name: .customLong("server-library-path"),
        help: ArgumentHelp(
            "Start every selected server with this directory first on its library path (LD_LIBRARY_PATH): "
                + "a name from `sslmatrix installations` (openssl-3.5: psycopg-binary's OpenSSL 3.5) or a directory "
                + "holding libssl.so.3/libcrypto.so.3. The run fails if the server maps another OpenSSL.",
            valueName: "NAME|DIR"))
    var serverLibraryPath: String?

    @Flag(
        name: .customLong("all-combinations"),
        help: "Every selected server with every selected client; with no --server/--client: everything installed.")
    var allCombinations = false

    /// The (server, client) pairs to run: the selected servers (or the defaults) crossed with
    /// the selected clients (default: the system libpq). Errors before anything starts.
    func combinations() throws -> [(Installation, ClientInstallation)] {
        try checkWorkspace()
        let catalog = try InstallationCatalog.discover(extraBindirs: bindirs)
        var serverList = try servers.map { try catalog.server($0) }
        serverList += try bindirs.map { try Installation(bindir: $0) }
        if serverList.isEmpty {
            serverList = allInstalled || allCombinations ? catalog.servers : [try Installation.discover()]
        }
        if let serverLibraryPath {
            let directory = try catalog.serverLibrary(serverLibraryPath).directory
            serverList = serverList.map { $0.withLibraryPath(directory) }
        }
        var result: [(Installation, ClientInstallation)] = []
        for server in serverList {
            let chosen: [ClientInstallation] =
                clients.isEmpty
                ? (allCombinations ? catalog.clients : [catalog.clients[0]])
                : try clients.map {
                    $0 == "own" ? catalog.ownClient(of: server) : try catalog.client($0)
                }
            result += chosen.map { (server, $0) }
        }
        return result
    }

    /// The installations to run, after the one environment check (workspace usable by us
    /// and the server account): a problem there is one error, exit 2, before any work.
    func installations() throws -> [Installation] {
        try checkWorkspace()
        let chosen = try chosenInstallations()
        guard let serverLibraryPath else { return chosen }
        let directory = try InstallationCatalog.discover(extraBindirs: bindirs).serverLibrary(serverLibraryPath)
            .directory
        return chosen.map { $0.withLibraryPath(directory) }
    }

    /// The one environment check (workspace usable by us and the server account), and the
    /// note of what a killed run left and was reaped; every way of choosing installations
    /// goes through it first.
    func checkWorkspace() throws {
        let workspace = try Workspace.shared()
        if !workspace.reapedAtStart.isEmpty {
            let list = workspace.reapedAtStart.joined(separator: ", ")
            FileHandle.standardError.write(
                Data("sslmatrix: reaped what killed runs left (servers stopped, directories removed): \(list)\n".utf8))
        }
    }

    private func chosenInstallations() throws -> [Installation] {
        if allInstalled {
            let all = try Installation.all(buildsRoot: InstallationCatalog.buildsRoot)
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

/// Errors reach the user once, as `error[code]: description` on stderr (control characters
/// escaped), exit status 2; with `json`, the same as `{"error": {...}}` on stdout too, so a
/// script reading stdout sees the stable code.
func failClearly(_ error: any Error, json: Bool = false) -> ExitCode {
    let coded = error as? CodedError
    let code = coded?.code ?? "error"
    // Some descriptions already carry their `error[code]: ` (InstallationError): said once.
    var text = "\(error)"
    if text.hasPrefix("error[\(code)]: ") { text.removeFirst("error[\(code)]: ".count) }
    let message = ConfigGrammar.terminalSafe(text)
    FileHandle.standardError.write(Data("error[\(code)]: \(message)\n".utf8))
    if json {
        var body: [String: Any] = ["code": code, "message": text]
        if let fileError = error as? ScenarioFileError {
            body["file"] = fileError.file
            if let line = fileError.line { body["line"] = line }
        }
        if let data = try? JSONSerialization.data(
            withJSONObject: ["error": body], options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        {
            FileHandle.standardOutput.write(data + Data("\n".utf8))
        }
    }
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
