/// Something a DBA acts on, with the case that proves it.
public struct ConfigFinding: Sendable, Codable, Hashable {
    public enum Severity: String, Sendable, Codable, Hashable, CaseIterable, Comparable {
        case info, warning, critical
        var rank: Int { Self.allCases.firstIndex(of: self)! }
        public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
    }

    public var severity: Severity
    /// Stable: plaintext-password, impostor-risk, no-hostnossl-reject, clientcert-missing,
    /// certificate-expiring, tls-below-1.2.
    public var code: String
    public var message: String
    public var proof: String
}
