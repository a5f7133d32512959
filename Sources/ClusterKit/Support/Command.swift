import Foundation
import Subprocess
import SystemPackage

/// The collected result of a finished child process.
public struct CommandResult: Sendable {
    public let commandLine: String
    public let exitCode: Int32?
    public let signal: Int32?
    public let standardOutput: String
    public let standardError: String

    public var succeeded: Bool { exitCode == 0 }

    /// "exit 1" or "signal 9": the way a shell user would describe the end of the process.
    public var statusDescription: String {
        if let exitCode { return "exit \(exitCode)" }
        if let signal { return "signal \(signal)" }
        return "unknown status"
    }

    public var combinedOutput: String {
        [standardOutput, standardError].filter { !$0.isEmpty }.joined(separator: "\n")
    }
}

/// Runs short-lived helper programs (initdb, pg_ctl, openssl, psql, pgbench, cp).
///
/// Every child gets an explicit environment: the harness never lets the caller's PG*
/// variables, locale or PATH change what a PostgreSQL tool does. When `account` differs
/// from the current user, the child runs as that account with its supplementary groups
/// dropped (otherwise it would keep gid 0 and root's groups).
public enum Command {
    /// The environment children get unless the caller supplies one: enough to run, nothing
    /// that a PostgreSQL tool would read as configuration.
    public static func cleanEnvironment(adding extra: [String: String] = [:]) -> [String: String] {
        var env: [String: String] = [
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "LC_ALL": "C.UTF-8",
            "LANG": "C.UTF-8",
        ]
        for (key, value) in extra { env[key] = value }
        return env
    }

    /// The longest any child may run unless the caller says otherwise: a hung tool must not
    /// hang the harness.
    public static let defaultTimeout: Double = 300

    @discardableResult
    public static func run(
        _ executable: String,
        _ arguments: [String],
        environment: [String: String]? = nil,
        as account: ServerAccount? = nil,
        workingDirectory: String? = nil,
        input: String? = nil,
        outputLimit: Int = 8 << 20,
        newSession: Bool = false,
        timeout: Double = Command.defaultTimeout
    ) async throws -> CommandResult {
        if ProcessTable.isShuttingDown { throw ClusterKitError.shuttingDown }
        // Switching user happens in `setpriv` (util-linux), not in swift-subprocess: its
        // fork-then-setgroups path can deadlock in glibc's setxid broadcast when threads of
        // this process are starting at that moment (seen here as children stuck in setgroups
        // before exec). setpriv switches in a single-threaded process, right before exec.
        var executable = executable
        var arguments = arguments
        if let account, account.needsSwitch {
            arguments =
                ["--reuid=\(account.uid)", "--regid=\(account.gid)", "--clear-groups", "--", executable] + arguments
            executable = Command.setpriv
        }
        var options = PlatformOptions()
        // setsid in the child: a new session has no controlling terminal.
        options.createSession = newSession
        let env = environment ?? cleanEnvironment()
        var keyed: [Environment.Key: String] = [:]
        for (key, value) in env { keyed[Environment.Key(stringLiteral: key)] = value }
        let exe: Executable = executable.contains("/") ? .path(FilePath(executable)) : .name(executable)
        let commandLine = ([executable] + arguments).map(shellQuote).joined(separator: " ")
        let cwd = FilePath(
            workingDirectory ?? (account?.needsSwitch == true ? "/" : FileManager.default.currentDirectoryPath))
        // Every child is in the process table while it runs (signals and exit kill it) and has
        // a time limit; the watchdog only ever signals the recorded pid + start time.
        let token = ProcessTable.reserveToken()
        let watchdog = Task.detached {
            try await Task.sleep(nanoseconds: UInt64(timeout * 1_000_000_000))
            ProcessTable.expire(token: token)
        }
        defer { watchdog.cancel() }
        let register: @Sendable (ProcessIdentifier) -> Void = { id in
            ProcessTable.add(token: token, pid: id.value, command: commandLine)
        }
        let status: TerminationStatus
        let out: String?
        let err: String?
        do {
            if let input {
                let r = try await Subprocess.run(
                    exe, arguments: Arguments(arguments), environment: .custom(keyed),
                    workingDirectory: cwd, platformOptions: options,
                    input: .string(input), output: .string(limit: outputLimit), error: .string(limit: outputLimit)
                ) { execution in register(execution.processIdentifier) }
                (status, out, err) = (r.terminationStatus, r.standardOutput, r.standardError)
            } else {
                let r = try await Subprocess.run(
                    exe, arguments: Arguments(arguments), environment: .custom(keyed),
                    workingDirectory: cwd, platformOptions: options,
                    input: .none, output: .string(limit: outputLimit), error: .string(limit: outputLimit)
                ) { execution in register(execution.processIdentifier) }
                (status, out, err) = (r.terminationStatus, r.standardOutput, r.standardError)
            }
        } catch {
            ProcessTable.remove(token: token)
            throw ClusterKitError.commandFailed(command: commandLine, status: "could not start", output: "\(error)")
        }
        if ProcessTable.remove(token: token) {
            throw ClusterKitError.commandTimedOut(command: commandLine, seconds: timeout)
        }
        var code: Int32? = nil
        var signal: Int32? = nil
        switch status {
        case .exited(let c): code = Int32(c)
        case .signaled(let s): signal = Int32(s)
        }
        return CommandResult(
            commandLine: commandLine, exitCode: code, signal: signal,
            standardOutput: out ?? "", standardError: err ?? "")
    }

    /// Runs and throws `commandFailed` with the output when the program does not exit 0.
    @discardableResult
    public static func check(
        _ executable: String,
        _ arguments: [String],
        environment: [String: String]? = nil,
        as account: ServerAccount? = nil,
        input: String? = nil,
        timeout: Double = Command.defaultTimeout
    ) async throws -> CommandResult {
        let result = try await run(
            executable, arguments, environment: environment, as: account, input: input, timeout: timeout)
        guard result.succeeded else {
            throw ClusterKitError.commandFailed(
                command: result.commandLine, status: result.statusDescription, output: result.combinedOutput)
        }
        return result
    }

    /// util-linux's setpriv; present on every Debian (util-linux is essential).
    static let setpriv = "/usr/bin/setpriv"

    static func shellQuote(_ word: String) -> String {
        let safe = CharacterSet(
            charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+@%")
        if !word.isEmpty, word.unicodeScalars.allSatisfy({ safe.contains($0) }) { return word }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
