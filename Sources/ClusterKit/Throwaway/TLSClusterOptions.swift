/// How a `TLSCluster` is set up: plain data, every field with a default that gives a
/// TLS-only cluster a client logs into with the generated client certificate.
public struct TLSClusterOptions: Sendable, Hashable {
    /// How the login role authenticates over TCP.
    public enum Authentication: Sendable, Hashable {
        /// `hostssl ... cert`: the client certificate (CN = the role) is the login.
        case certificate
        /// `hostssl ... scram-sha-256` (`host ...` without TLS) with this password.
        case password(String)
        /// `hostssl ... trust` (`host ...` without TLS): anyone on loopback.
        case trust
    }

    /// The name in the server certificate (DNS SAN and CN); clients use `host=` this name
    /// with `hostaddr=127.0.0.1`, so verify-full checks it without any DNS entry.
    public var hostName: String
    /// The login role created for the caller (a superuser: the cluster is throwaway).
    public var user: String
    public var database: String
    public var authentication: Authentication
    /// false: `ssl = off`, no certificates, `host` lines only.
    public var tls: Bool
    /// A fixed port on 127.0.0.1 (nil: a free one).
    public var port: Int?
    /// The PostgreSQL to run (nil: `Installation.discover()`).
    public var installation: Installation?

    public init(
        hostName: String = "localhost", user: String = "tester", database: String = "postgres",
        authentication: Authentication = .certificate, tls: Bool = true, port: Int? = nil,
        installation: Installation? = nil
    ) {
        self.hostName = hostName
        self.user = user
        self.database = database
        self.authentication = authentication
        self.tls = tls
        self.port = port
        self.installation = installation
    }
}
