/// What the model fixes about an accepted connection besides "encrypted, as whom": each
/// field is compared with what the probe saw, so a rule that gets any of them wrong fails.
public struct ExpectedSession: Sendable, Hashable, Codable, CustomStringConvertible {
    /// PQsslAttribute("protocol"): "TLSv1.3"; nil for an unencrypted session.
    public var `protocol`: String?
    /// PQsslAttribute("cipher") when the settings fix it; nil for an unencrypted session or
    /// when the model does not know the suite (not compared then).
    public var cipher: String?
    /// SCRAM-SHA-256-PLUS (tls-server-end-point) was used.
    public var channelBinding: Bool
    /// The pg_hba method in the server's "connection authenticated" line; nil when the method
    /// sets no identity (trust), so no such line is written.
    public var method: String?
    /// The identity in that line (user name for passwords, the certificate's DN for cert).
    public var identity: String?
    /// Every server log line of the accepted attempt, in order.
    public var serverLog: [MessageTemplate]

    public init(
        protocol: String?, cipher: String?, channelBinding: Bool, method: String?, identity: String?,
        serverLog: [MessageTemplate]
    ) {
        self.protocol = `protocol`
        self.cipher = cipher
        self.channelBinding = channelBinding
        self.method = method
        self.identity = identity
        self.serverLog = serverLog
    }

    public var description: String {
        var parts: [String] = []
        if let p = `protocol` { parts.append(p) }
        if let c = cipher { parts.append(c) }
        parts.append(channelBinding ? "SCRAM-PLUS" : "no channel binding")
        if let m = method { parts.append("method=\(m) identity=\(identity ?? "")") }
        return parts.joined(separator: ", ")
    }
}
