import Foundation

/// One entry of the driver registry (`probes/drivers.json`): how to start a driver probe,
/// how to tell it is installed, and the command that installs it.
public struct Driver: Codable, Sendable, Hashable {
    /// "asyncpg", "pgjdbc", ... (what `--driver` selects).
    public var name: String
    /// The runtime the probe runs in ("python", "java", "go", "swift").
    public var runtime: String
    public var language: String
    /// Executable and arguments; `${BUILDS}` and `${REPO}` are expanded.
    public var command: [String]
    /// A file that exists only once `setup` finished (expanded like `command`).
    public var installed: String
    /// What installs it ("scripts/setup --drivers asyncpg").
    public var setup: String
    /// Extra environment for the probe (expanded like `command`): JAVA_HOME, GOCACHE, ...
    public var environment: [String: String]?
    /// True for a probe whose first build is too slow for `make test` on a fresh machine
    /// (PostgresNIO: ~36 min of BoringSSL and SwiftNIO in release on 2 cores, more than CI's
    /// whole budget). `make test` installs every other probe; this one is built by `make
    /// driver-probes` (once, then cached) and tested wherever it is installed.
    public var optIn: Bool?

    public init(
        name: String, runtime: String, language: String, command: [String], installed: String, setup: String,
        environment: [String: String]? = nil
    ) {
        self.name = name
        self.runtime = runtime
        self.language = language
        self.command = command
        self.installed = installed
        self.setup = setup
        self.environment = environment
    }

    /// Whether the probe is installed (its `installed` file exists).
    public func isInstalled(in registry: DriverRegistry) -> Bool {
        FileManager.default.fileExists(atPath: registry.expand(installed))
    }

    /// The command with its environment: PATH, HOME (libpq's HOME in this process, as for
    /// the libpq worker), the entry's own variables; never a PG* variable.
    public func workerCommand(in registry: DriverRegistry) throws -> WorkerCommand {
        let expanded = command.map(registry.expand)
        guard let first = expanded.first else {
            throw DriverError.invalidRegistry(path: registry.path, reason: "\(name): empty command")
        }
        var environment = ["PATH": "/usr/local/bin:/usr/bin:/bin"]
        environment["HOME"] = ConnectionParameters.libpqHomeDirectory
        for (key, value) in self.environment ?? [:] where !key.hasPrefix("PG") {
            environment[key] = registry.expand(value)
        }
        let executable =
            first.contains("/") ? first : (DriverRegistry.which(first, path: environment["PATH"]!) ?? first)
        return WorkerCommand(
            executable: executable, arguments: Array(expanded.dropFirst()), environment: environment,
            directory: registry.repository)
    }

    /// Starts a pool of this driver's probes; a probe that does not answer with a driver
    /// hello fails with `DriverError.probeFailed`.
    public func makeClient(in registry: DriverRegistry) async throws -> ProbeClient {
        let command = try workerCommand(in: registry)
        do {
            return .worker(try await ClientWorkerPool(driverCommand: command))
        } catch {
            throw DriverError.probeFailed(name: name, reason: "\(error)", setup: setup)
        }
    }
}
