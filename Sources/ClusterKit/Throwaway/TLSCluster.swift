import Foundation

/// A throwaway PostgreSQL cluster with TLS on and certificates made for it: the entry point
/// for other packages' tests (a PostgresNIO app, a driver) that need a real TLS server.
///
/// ```swift
/// import ClusterKit
///
/// @Test func connectsWithVerifyFull() async throws {
///     try await TLSCluster.with { db in
///         // db.host, db.port, db.rootCertificate, db.clientCertificate, db.clientKey
///         let outcome = await db.probe.connect(db.connectionParameters())
///         #expect(outcome.session?.client.encrypted == true)
///     }
/// }
/// ```
///
/// The certificates come from an in-process root CA (EC P-256, a few milliseconds): a server
/// certificate for `hostName` (DNS SAN) and 127.0.0.1 (IP SAN), and a client certificate
/// whose CN is the login role. The client files are written 0600/0644 for the calling user;
/// the server's copies belong to the server account. `stop()` (or the end of `with`) stops
/// the server and removes every file; an interrupted process stops it too (SIGINT/SIGTERM),
/// and the next run reaps what a `kill -9` left.
public final class TLSCluster: Sendable {
    public let cluster: Cluster
    public let options: TLSClusterOptions
    /// Where the client's files are (nil paths when `options.tls` is false).
    public let clientDirectory: String
    public let rootCertificate: String?
    public let clientCertificate: String?
    public let clientKey: String?

    /// The name to put in `host=`; the address is always `hostaddr`.
    public var host: String { options.hostName }
    public let hostaddr = "127.0.0.1"
    public var port: Int { cluster.port }
    public var user: String { options.user }
    public var database: String { options.database }
    public var password: String? {
        if case .password(let p) = options.authentication { return p }
        return nil
    }

    /// A libpq probe aimed at this cluster (hermetic: every SSL parameter explicit).
    public var probe: Probe { Probe(cluster: cluster) }

    static let rootName = "root.crt"
    static let clientCertName = "client.crt"
    static let clientKeyName = "client.key"

    private init(
        cluster: Cluster, options: TLSClusterOptions, clientDirectory: String, rootCertificate: String?,
        clientCertificate: String?, clientKey: String?
    ) {
        self.cluster = cluster
        self.options = options
        self.clientDirectory = clientDirectory
        self.rootCertificate = rootCertificate
        self.clientCertificate = clientCertificate
        self.clientKey = clientKey
    }

    /// Creates, configures and starts the cluster; ready for connections on return.
    public static func start(_ options: TLSClusterOptions = TLSClusterOptions()) async throws -> TLSCluster {
        let cluster = try await Cluster.create(installation: options.installation, port: options.port)
        let clientDirectory = "\(cluster.workspace.clientDirectory)/\(cluster.name)"
        do {
            try SecureFiles.makeDirectory(clientDirectory, mode: 0o700)
            var files: (root: String, cert: String, key: String)? = nil
            if options.tls {
                files = try installCertificates(on: cluster, options: options, clientDirectory: clientDirectory)
            }
            try cluster.setHBA(hbaRules(options))
            try await cluster.start()
            try await cluster.query(try roleSQL(options))
            return TLSCluster(
                cluster: cluster, options: options, clientDirectory: clientDirectory, rootCertificate: files?.root,
                clientCertificate: files?.cert, clientKey: files?.key)
        } catch {
            await cluster.destroy()
            SecureFiles.remove(clientDirectory)
            throw error
        }
    }

    /// Stops the server and removes the cluster's and the client's files.
    public func stop() async {
        await cluster.destroy()
        SecureFiles.remove(clientDirectory)
    }

    /// Starts a cluster, hands it to `body`, and always stops it, also when `body` throws.
    public static func with<T: Sendable>(
        _ options: TLSClusterOptions = TLSClusterOptions(), _ body: (TLSCluster) async throws -> T
    ) async throws -> T {
        let db = try await start(options)
        do {
            let value = try await body(db)
            await db.stop()
            return value
        } catch {
            await db.stop()
            throw error
        }
    }

    /// libpq parameters for the login role: verify-full with the root file and, under
    /// certificate authentication, the client certificate (nil `sslmode`: verify-full with
    /// TLS, disable without).
    public func connectionParameters(sslmode: String? = nil) -> ConnectionParameters {
        let tls = options.tls
        let withCertificate = tls && options.authentication == .certificate
        return ConnectionParameters(
            host: host, hostaddr: hostaddr, port: port, dbname: database, user: user, password: password,
            sslmode: sslmode ?? (tls ? "verify-full" : "disable"),
            sslrootcert: rootCertificate.map { .path($0) } ?? .none,
            sslcert: withCertificate ? clientCertificate.map { .path($0) } ?? .none : .none,
            sslkey: withCertificate ? clientKey.map { .path($0) } ?? .none : .none)
    }

    /// The same as a libpq connection string, for psql or any libpq-based client.
    public func connectionString(sslmode: String? = nil) -> String {
        let p = connectionParameters(sslmode: sslmode)
        var pairs: [(String, String)] = [
            ("host", p.host), ("hostaddr", hostaddr), ("port", String(p.port)), ("user", p.user),
            ("dbname", p.dbname), ("sslmode", p.sslmode),
        ]
        if let password { pairs.append(("password", password)) }
        for (key, file) in [("sslrootcert", p.sslrootcert), ("sslcert", p.sslcert), ("sslkey", p.sslkey)] {
            if case .path(let path) = file { pairs.append((key, path)) }
        }
        return pairs.map { "\($0.0)=\(Self.quoted($0.1))" }.joined(separator: " ")
    }

    /// libpq conninfo quoting: single quotes around values with spaces or quotes, `\` escapes.
    static func quoted(_ value: String) -> String {
        guard value.isEmpty || value.contains(where: { $0 == " " || $0 == "'" || $0 == "\\" }) else { return value }
        return "'" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'")
            + "'"
    }
}
