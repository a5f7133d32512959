import Foundation

/// The client-worker protocol: JSON lines on the worker's stdin/stdout, one request, one
/// response, in order. Documented for other implementations in docs/client-worker-protocol.md.
public enum WorkerProtocol {
    public static let version = 1
}

/// The worker's first line, before any request: which libraries it mapped, or why it cannot work.
public struct WorkerHello: Codable, Sendable, Hashable {
    public var protocolVersion: Int
    /// "libpq" for pgssl-client-worker; another driver names itself.
    public var client: String
    public var libraries: ClientLibraries?
    /// A driver probe's identity (docs/driver-probes.md); nil for the libpq worker.
    public var driver: DriverIdentity?
    public var error: WorkerFailure?

    public init(
        protocolVersion: Int, client: String, libraries: ClientLibraries?, driver: DriverIdentity? = nil,
        error: WorkerFailure?
    ) {
        self.protocolVersion = protocolVersion
        self.client = client
        self.libraries = libraries
        self.driver = driver
        self.error = error
    }
}

/// One connection to make.
public struct WorkerRequest: Codable, Sendable, Hashable {
    /// Echoed in the response.
    public var id: String
    /// Every libpq keyword/value, in order, explicitly: the worker adds nothing.
    public var parameters: [[String]]
    /// Environment the client library sees for this request (e.g. HOME, which libpq uses for
    /// ~/.postgresql); every PG* variable is removed before each request.
    public var environment: [String: String]
    /// Bound for each socket wait (libpq's connect_timeout is per attempt as well).
    public var timeoutSeconds: Double

    public init(id: String, parameters: [(String, String)], environment: [String: String], timeoutSeconds: Double) {
        self.id = id
        self.parameters = parameters.map { [$0.0, $0.1] }
        self.environment = environment
        self.timeoutSeconds = timeoutSeconds
    }

    public var keywordValues: [(String, String)] {
        parameters.compactMap { $0.count == 2 ? ($0[0], $0[1]) : nil }
    }
}

/// The answer to one request.
public struct WorkerResponse: Codable, Sendable, Hashable {
    public var id: String
    public var report: ConnectionReport?
    public var error: WorkerFailure?
    /// What the worker mapped after this request (catches a library loaded late).
    public var libraries: ClientLibraries?
    /// A driver probe's account of what it handed its driver (nil for the libpq worker).
    public var driver: DriverCaseDetail?

    public init(
        id: String, report: ConnectionReport?, error: WorkerFailure?, libraries: ClientLibraries?,
        driver: DriverCaseDetail? = nil
    ) {
        self.id = id
        self.report = report
        self.error = error
        self.libraries = libraries
        self.driver = driver
    }
}

/// A failure the worker itself reports (stable codes).
public struct WorkerFailure: Error, Codable, Sendable, Hashable, CustomStringConvertible {
    /// "libpq-load-failed", "libpq-symbol-missing", "mixed-openssl", "bad-request".
    public var code: String
    public var message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "error[\(code)]: \(message)" }
}
