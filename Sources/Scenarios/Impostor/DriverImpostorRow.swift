import ClusterKit

/// One driver against the impostor for one client configuration: what the driver said and
/// what the impostor captured. A finding, not a check: the model speaks for libpq only, so
/// the libpq column beside it is the reference.
public struct DriverImpostorRow: Sendable, Hashable, Codable {
    /// "asyncpg 0.32.0".
    public var driver: String
    public var `case`: ImpostorCase
    /// The driver's error text (the impostor never lets a client in).
    public var message: String
    public var captures: [ImpostorCapture]
    /// The probe's account: what it handed the driver, what it could not.
    public var detail: DriverCaseDetail?

    public init(
        driver: String, case c: ImpostorCase, message: String, captures: [ImpostorCapture], detail: DriverCaseDetail?
    ) {
        self.driver = driver
        self.case = c
        self.message = message
        self.captures = captures
        self.detail = detail
    }

    /// Cleartext passwords the impostor received.
    public var capturedPasswords: [String] { captures.compactMap(\.password) }

    /// One cell: how far the client went with the impostor.
    public static func cell(_ captures: [ImpostorCapture]) -> String {
        if let c = captures.first(where: { $0.password != nil }) {
            return "PASSWORD CAPTURED" + (c.encrypted ? " (over TLS)" : " (cleartext)")
        }
        if captures.contains(where: { $0.stage == .answered }) { return "answered SCRAM (no password)" }
        guard let last = captures.last else { return "never connected" }
        switch last.stage {
        case .tlsRefused: return "refused the certificate"
        case .closedAfterHandshake: return "hung up after TLS"
        case .refusedAuthentication: return "refused to authenticate"
        case .answered: return "answered"
        case .other: return "other: " + (last.detail ?? "")
        }
    }
}
