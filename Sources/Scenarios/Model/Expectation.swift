/// One connection attempt libpq makes (sslmode allow/prefer can make two).
public struct ExpectedAttempt: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Whether this attempt ran over TLS.
    public var ssl: Bool
    /// The libpq text this attempt contributes to PQerrorMessage, prefix included (exact for the libpq major).
    public var libpqMessage: MessageTemplate
    /// Every server log line of this attempt ("LOG:  connection received: ...", "FATAL:  ...",
    /// "DETAIL:  ...") in order; compared as an exact multiset after normalisation, less the
    /// lines `LogTolerance` names.
    public var serverLog: [MessageTemplate]
    /// The SQLSTATE of the ErrorResponse the server sent for this attempt; nil when the
    /// attempt ended without one (a client-side failure).
    public var sqlstate: String?

    public init(ssl: Bool, libpqMessage: MessageTemplate, serverLog: [MessageTemplate] = [], sqlstate: String? = nil) {
        self.ssl = ssl
        self.libpqMessage = libpqMessage
        self.serverLog = serverLog
        self.sqlstate = sqlstate
    }

    public var description: String { "\(ssl ? "ssl" : "plain"): \(libpqMessage.text)" }
}

/// What the model predicts for a scenario, with the rules that led there.
public struct Expectation: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Outcome: Sendable, Hashable, Codable {
        /// The connection is established; `user` is the session user.
        case accepted(encrypted: Bool, user: String)
        /// libpq gives up; one entry per attempt, in order.
        case rejected(attempts: [ExpectedAttempt])
        /// The server does not start (or rejects the configuration); `log` holds the lines it prints.
        case serverFailsToStart(log: [MessageTemplate])
    }

    public var outcome: Outcome
    /// Attempts that failed before an accepted one (allow/prefer), for the server-log check.
    public var failedAttemptsBeforeSuccess: [ExpectedAttempt]
    /// For an accepted connection: everything the model fixes about the session (protocol,
    /// cipher, channel binding, method, identity) and the accepted attempt's server log.
    public var session: ExpectedSession?
    /// Each rule applied, in order, with its id and source.
    public var appliedRules: [AppliedRule]
    /// The same as free text ("what it says (source)"), as traces have always read.
    public var rules: [String] { appliedRules.map(\.description) }
    /// The ids of the rules applied, in order: what tests assert on.
    public var ruleIDs: [String] { appliedRules.map(\.id) }
    /// The software the prediction is for (each side's major and OpenSSL).
    public var versions: Versions

    public init(
        outcome: Outcome, failedAttemptsBeforeSuccess: [ExpectedAttempt] = [], session: ExpectedSession? = nil,
        appliedRules: [AppliedRule], versions: Versions
    ) {
        self.outcome = outcome
        self.failedAttemptsBeforeSuccess = failedAttemptsBeforeSuccess
        self.session = session
        self.appliedRules = appliedRules
        self.versions = versions
    }

    public var isAccepted: Bool { if case .accepted = outcome { return true } else { return false } }

    public var attempts: [ExpectedAttempt] {
        if case .rejected(let a) = outcome { return a }
        return failedAttemptsBeforeSuccess
    }

    /// Every attempt libpq makes, the accepted one last: (transport, accepted?).
    public var allAttempts: [(ssl: Bool, accepted: Bool)] {
        var out = attempts.map { (ssl: $0.ssl, accepted: false) }
        if case .accepted(let encrypted, _) = outcome { out.append((ssl: encrypted, accepted: true)) }
        return out
    }

    /// PQerrorMessage of a rejected connection: the attempts' texts joined in order (libpq 14+
    /// appends; before, the last attempt's text replaced the others).
    public var libpqErrorMessage: MessageTemplate? {
        guard case .rejected(let attempts) = outcome else { return nil }
        if versions.libpq < 14 { return attempts.last?.libpqMessage }
        return MessageTemplate(attempts.map(\.libpqMessage.text).joined())
    }

    public var description: String {
        switch outcome {
        case .accepted(let enc, let user): return "accepted(\(enc ? "ssl" : "plain"), \(user))"
        case .rejected: return "rejected: \(libpqErrorMessage?.text ?? "")"
        case .serverFailsToStart(let log): return "server fails to start: \(log.map(\.text).joined(separator: " | "))"
        }
    }
}
