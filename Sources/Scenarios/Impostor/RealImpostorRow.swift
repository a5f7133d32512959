/// A real PostgreSQL cluster playing the impostor: a certificate from the trusted root for
/// another host, and `hostssl all all all trust`, so it lets anyone in.
public struct RealImpostorRow: Sendable, Hashable, Codable {
    public var sslMode: SSLMode
    public var expected: String
    public var connected: Bool
    /// What the victim's session sees: cluster_name, pg_stat_ssl.ssl, the server's certificate subject.
    public var clusterName: String?
    public var ssl: String?
    public var libpqMessage: String?
    public var disagreements: [String]

    public var agrees: Bool { disagreements.isEmpty }
}
