import ClusterKit

/// How one driver case differs from what libpq would do (the model's prediction for the
/// system libpq), classified by what it means for the person relying on the driver.
public struct DriverDeviation: Codable, Sendable, Hashable {
    public enum Class: String, Codable, Sendable, CaseIterable, Comparable {
        /// Connects where libpq refuses, or less protected than libpq: weaker verification,
        /// plaintext where libpq uses TLS, a plaintext attempt libpq never makes, channel
        /// binding not used where libpq binds.
        case securityRelevant = "security-relevant"
        /// The driver's process died where libpq returns (a trap or a signal inside the
        /// driver or its TLS library): an application using it would die the same way.
        case crash
        /// Refuses where libpq connects, or encrypts where libpq does not.
        case stricter
        /// Same outcome, encryption, user and TLS session; only the server's log lines or the
        /// SQLSTATE differ (the driver failed at another step, or said something else).
        case messageOnly = "message-only"
        /// Same outcome and encryption, another TLS protocol, cipher, auth method or identity,
        /// or another sequence of attempts.
        case sessionDetail = "session detail"

        public static func < (a: Class, b: Class) -> Bool {
            allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
        }

        public var title: String {
            switch self {
            case .securityRelevant: "security-relevant (connects where libpq refuses, or weaker)"
            case .crash: "crash (the driver's process died where libpq returns)"
            case .stricter: "stricter (refuses where libpq connects)"
            case .messageOnly: "message only (same outcome, other server log or SQLSTATE)"
            case .sessionDetail: "session detail (same outcome, other TLS session or attempts)"
            }
        }
    }

    public var `class`: Class
    /// The kind, a short sentence that groups cases ("connects over TLS where libpq refuses:
    /// certificate verify failed").
    public var kind: String

    public init(class: Class, kind: String) {
        self.class = `class`
        self.kind = kind
    }
}
