import Foundation

/// What a case must do: either the model's exact prediction, or what a scenario file declares.
public enum CaseExpectation: Sendable {
    /// From `Expectation.predict`: exact texts, every attempt, the rules behind them.
    case model(Expectation)
    /// From a scenario file: accepted (optionally with ssl/protocol/user) or rejected with
    /// regular expressions for the libpq message and the server log.
    case declared(DeclaredExpectation)
    /// A scenario-file case with `expect: model`, translated but not yet predicted: the
    /// prediction needs the run's versions (`ScenarioFile.predicted(versions:)` makes it
    /// `.modelChecked`). `checks` holds the file's own assertions beside the model's.
    case pendingModel(Scenario, checks: DeclaredExpectation)
    /// The model's prediction for a scenario-file case, plus the file's own checks the model
    /// cannot make (server_log, server_log_absent, client_stderr, query); `checks.kind` is unused.
    case modelChecked(Expectation, checks: DeclaredExpectation)

    public var rules: [String] {
        switch self {
        case .model(let e), .modelChecked(let e, _): e.rules
        case .declared(let d): d.source.map { ["declared in \($0)"] } ?? []
        case .pendingModel: ["not predicted yet (ScenarioFile.predicted(versions:))"]
        }
    }

    /// The model's prediction, when the case has one.
    public var prediction: Expectation? {
        switch self {
        case .model(let e), .modelChecked(let e, _): e
        default: nil
        }
    }

    /// The file's own checks (all of a declared case; the extras of a model case).
    public var checks: DeclaredExpectation? {
        switch self {
        case .declared(let d), .pendingModel(_, let d), .modelChecked(_, let d): d
        case .model: nil
        }
    }
}

public struct DeclaredExpectation: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable {
        case accepted, rejected
        case serverFailsToStart = "server_fails_to_start"
    }

    public var kind: Kind
    public var ssl: Bool?
    public var `protocol`: String?
    public var user: String?
    /// Regular expression searched in libpq's whole error message.
    public var message: String?
    /// Regular expression searched in the server log lines of this attempt.
    public var serverLog: String?
    /// Regular expression that no server log line of this case may match (PostgreSQL's
    /// `log_unlike`, e.g. "connection authenticated" after a failed login).
    public var serverLogAbsent: String?
    /// An accepted connection made by psql with the same parameters prints nothing on
    /// stderr (PostgreSQL's `connect_ok`: no warning, no notice).
    public var clientStderrEmpty = false
    /// SQL run by psql with the same parameters in an accepted session, and what it prints.
    public var query: Query?

    /// What `query:` asks: psql -A -t output, or a regex its error must match.
    public struct Query: Sendable, Hashable, Codable {
        public var sql: String
        public var result: String?
        /// A regular expression the output must match (^ and $ match at each line, as Perl's /m).
        public var matches: String?
        public var error: String?
        public init(sql: String, result: String? = nil, matches: String? = nil, error: String? = nil) {
            self.sql = sql
            self.result = result
            self.matches = matches
            self.error = error
        }
    }

    /// Whether the case needs a psql run beside the probe.
    public var needsPsql: Bool { clientStderrEmpty || query != nil }
    /// "file.yaml:12" for reports.
    public var source: String?

    public init(
        kind: Kind, ssl: Bool? = nil, protocol: String? = nil, user: String? = nil,
        message: String? = nil, serverLog: String? = nil, source: String? = nil
    ) {
        self.kind = kind
        self.ssl = ssl
        self.protocol = `protocol`
        self.user = user
        self.message = message
        self.serverLog = serverLog
        self.source = source
    }
}
