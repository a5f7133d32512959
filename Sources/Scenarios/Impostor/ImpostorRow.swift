import ClusterKit

/// One client configuration against the impostor: what libpq said, what the impostor
/// captured, what the model expected.
public struct ImpostorRow: Sendable, Hashable, Codable {
    public var `case`: ImpostorCase
    public var expected: ImpostorExpectation
    /// PQerrorMessage (the impostor never lets a client in, so there always is one).
    public var libpqMessage: String
    /// Every connection the impostor saw during this client's connect, in order.
    public var captures: [ImpostorCapture]
    public var disagreements: [String]
    public var milliseconds: Int

    public var agrees: Bool { disagreements.isEmpty }
    /// Cleartext passwords the impostor received.
    public var capturedPasswords: [String] { captures.compactMap(\.password) }
    /// Whether the client talked to the impostor beyond TLS (sent a startup packet).
    public var talkedToImpostor: Bool { captures.contains { !$0.startupParameters.isEmpty } }
    /// Whether the client went on to authenticate to the impostor (password or SCRAM message).
    public var answeredImpostor: Bool { captures.contains { $0.stage == .answered } }
}
