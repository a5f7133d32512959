import Foundation

/// Runs the real `psql` of the cluster's installation with a probe's parameters, so a
/// reproduction looks exactly like what a DBA sees in a terminal.
///
/// Hermetic like `Probe`: the child gets an explicit environment (PATH, C locale, and
/// HOME pointed at an empty directory), `-X` (no psqlrc) and `-w` (never prompt for a
/// password; stdin is closed anyway). libpq 15.18 resolves `~/.postgresql/*` from `$HOME`,
/// so the empty HOME also keeps default client files away (the explicit file keywords
/// already do; the empty HOME covers a keyword a caller leaves out).
public struct PsqlProbe: Sendable {
    /// How the parameters reach psql.
    public enum Style: String, Sendable, Hashable, Codable {
        /// One conninfo string argument: `psql "host='...' sslmode='verify-full' ..."`.
        case conninfo
        /// `PGHOST`, `PGSSLMODE`, ... in the environment, as a DBA exporting variables would;
        /// keywords libpq has no variable for (sslpassword) go in a small conninfo argument.
        case environment
    }

    public struct Result: Sendable, Hashable, Codable, CustomStringConvertible {
        /// What a DBA would type (environment assignments first).
        public let commandLine: String
        public let exitCode: Int32?
        public let standardOutput: String
        public let standardError: String

        public var description: String {
            "$ \(commandLine)\n\(standardOutput)\(standardError)[exit \(exitCode.map(String.init) ?? "signal")]"
        }
    }

    public let psql: String
    public let clientDirectory: String
    /// An empty directory used as HOME.
    public let home: String

    public init(psql: String, clientDirectory: String) throws {
        self.psql = psql
        self.clientDirectory = clientDirectory
        self.home = clientDirectory + "/psql-home"
        try SecureFiles.makeDirectory(home, mode: 0o700)
    }

    /// psql from the cluster's own installation (not Debian's /usr/bin/psql wrapper).
    public init(cluster: Cluster) throws {
        try self.init(psql: cluster.installation.tool("psql"), clientDirectory: cluster.workspace.clientDirectory)
    }

    /// `psql -X -w [-A -t] -c SQL`. `extraEnvironment` is added last (tests use it to show
    /// that hostile PG* variables change nothing the conninfo style sets).
    public func run(
        _ parameters: ConnectionParameters, sql: String = "select 1", style: Style = .conninfo,
        unaligned: Bool = true, extraEnvironment: [String: String] = [:]
    ) async throws -> Result {
        var env = Command.cleanEnvironment(adding: ["HOME": home])
        var arguments = ["-X", "-w"]
        if unaligned { arguments += ["-A", "-t"] }
        arguments += ["-c", sql]
        let pairs = parameters.keywordValues(clientDirectory: clientDirectory)
        var shown: [String] = []
        switch style {
        case .conninfo:
            arguments.append(parameters.conninfo(clientDirectory: clientDirectory))
        case .environment:
            let names = PGConnection.environmentVariables
            var rest: [(String, String)] = []
            for (keyword, value) in pairs {
                if let name = names[keyword] {
                    env[name] = value
                    shown.append("\(name)=\(Command.shellQuote(value))")
                } else {
                    rest.append((keyword, value))
                }
            }
            if !rest.isEmpty {
                arguments.append(
                    rest.map { "\($0.0)='\($0.1.replacingOccurrences(of: "'", with: "\\'"))'" }.joined(separator: " "))
            }
        }
        for (key, value) in extraEnvironment.sorted(by: { $0.key < $1.key }) {
            env[key] = value
            shown.append("\(key)=\(Command.shellQuote(value))")
        }
        let result = try await Command.run(psql, arguments, environment: env)
        let commandLine = (shown + [result.commandLine]).joined(separator: " ")
        return Result(
            commandLine: commandLine, exitCode: result.exitCode,
            standardOutput: result.standardOutput, standardError: result.standardError)
    }
}
