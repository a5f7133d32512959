import ClusterKit
import Foundation

/// One case after it ran: what was expected, what happened, and whether they agree.
public struct CaseResult: Sendable, Codable {
    public enum Verdict: String, Sendable, Codable {
        /// Reality did what the expectation said.
        case agree
        /// Reality and the expectation differ; `differences` says how.
        case disagree
        /// Not run on this machine; `differences` says why.
        case skipped
        /// The harness could not run the case (set-up failure); `differences` says what broke.
        case error
    }

    public let id: String
    public let group: String
    public let verdict: Verdict
    /// Human-readable: "expected rejected ..., observed accepted ...".
    public let differences: [String]
    public let expected: String
    public let rules: [String]
    public let observed: ObservedSummary?
    /// Dimension values for report tables ("sslmode", "hba", "chain", "trust").
    public var labels: [String: String] = [:]
    /// A driver run only: how this case differs from libpq (nil: it agrees).
    public var deviation: DriverDeviation? = nil
    /// A driver run only: what the probe handed its driver and what it could not translate.
    public var driver: DriverCaseDetail? = nil

    public init(
        id: String, group: String, verdict: Verdict, differences: [String], expected: String,
        rules: [String], observed: ObservedSummary?
    ) {
        self.id = id
        self.group = group
        self.verdict = verdict
        self.differences = differences
        self.expected = expected
        self.rules = rules
        self.observed = observed
    }
}

/// The facts of an observed outcome that reports and baselines keep: stable across runs
/// once run-specific values (port, paths, pids) are normalised.
public struct ObservedSummary: Sendable, Codable, Hashable {
    public enum Kind: String, Sendable, Codable, Hashable {
        case accepted, rejected
        case serverDidNotStart = "server-did-not-start"
        case notAttempted = "not-attempted"
    }
    public var kind: Kind
    public var encrypted: Bool?
    public var `protocol`: String?
    public var cipher: String?
    public var user: String?
    /// libpq's message (all attempts) or the server's start-up failure, normalised.
    public var message: String?
    /// The server log lines where the server decided (FATAL / LOG), normalised.
    public var serverLog: [String]
    public var attempts: Int

    public init(
        kind: Kind, encrypted: Bool? = nil, protocol: String? = nil, cipher: String? = nil, user: String? = nil,
        message: String? = nil, serverLog: [String] = [], attempts: Int = 0
    ) {
        self.kind = kind
        self.encrypted = encrypted
        self.protocol = `protocol`
        self.cipher = cipher
        self.user = user
        self.message = message
        self.serverLog = serverLog
        self.attempts = attempts
    }

    public var shortDescription: String {
        switch kind {
        case .accepted:
            return "accepted " + (encrypted == true ? "(\(self.protocol ?? "TLS") \(cipher ?? ""))" : "(no encryption)")
        case .rejected: return "rejected: \(message ?? "")"
        case .serverDidNotStart: return "server did not start: \(message ?? "")"
        case .notAttempted: return "not attempted: \(message ?? "")"
        }
    }
}
