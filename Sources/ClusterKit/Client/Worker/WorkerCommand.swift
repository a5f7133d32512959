import Foundation

/// How to start one client worker: the executable, its arguments and its whole environment
/// (the worker sees nothing else, in particular no PG* variable).
public struct WorkerCommand: Sendable, Hashable, Codable {
    public var executable: String
    public var arguments: [String]
    public var environment: [String: String]
    /// Working directory (nil: the harness's).
    public var directory: String?

    public init(executable: String, arguments: [String], environment: [String: String], directory: String? = nil) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.directory = directory
    }

    /// The command line as one string, for messages.
    public var commandLine: String { ([executable] + arguments).joined(separator: " ") }
}
