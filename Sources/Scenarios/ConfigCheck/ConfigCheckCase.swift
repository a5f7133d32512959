import ClusterKit

/// One connection `check-config` made: which hba line it stands for, how the client was set
/// up, and what happened.
public struct ConfigCheckCase: Sendable, Codable, Hashable {
    public enum Result: String, Sendable, Codable, Hashable {
        case encrypted, plaintext, rejected
    }

    public var line: Int
    public var lineText: String
    /// The line that decided an accepted connection (first match for its encryption, database
    /// and user); it can be an earlier line than the one the case stands for.
    public var matchedLine: Int?
    public var matchedLineText: String?
    /// The client address the line was tested from.
    public var address: String
    public var database: String
    public var user: String
    public var sslmode: String
    public var withRootCertificate: Bool
    public var withClientCertificate: Bool
    public var result: Result
    public var `protocol`: String?
    /// libpq's message for a rejection, without the per-attempt "connection to server at ..." prefix.
    public var message: String?

    public var client: String {
        "sslmode=\(sslmode), \(withRootCertificate ? "root file" : "no root file"), "
            + (withClientCertificate ? "client certificate" : "no client certificate")
    }

    public var outcome: String {
        switch result {
        case .encrypted: "accepted, encrypted (\(self.protocol ?? "TLS"))"
        case .plaintext: "accepted, PLAINTEXT"
        case .rejected: "rejected: \(message ?? "")"
        }
    }

    /// "line 4 (user app, database postgres, from 127.0.0.1), sslmode=require, ...: accepted, PLAINTEXT".
    public var proof: String {
        "line \(line) as user \(user), database \(database), from \(address), \(client): \(outcome)"
            + (matchedLine.map { $0 != line ? " (decided by line \($0))" : "" } ?? "")
    }
}
