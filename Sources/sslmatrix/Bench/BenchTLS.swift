import ClusterKit
import Foundation

/// The TLS material and roles every benchmark server uses: an EC P-256 root and server
/// leaf for db.example.test, a client certificate for `bench_cert`, and a SCRAM role.
enum BenchTLS {
    static let host = "db.example.test"
    static let password = "bench-password"

    static var spec: PKISpec {
        var spec = PKISpec()
        spec.addKey(KeySpec(name: "ca"))
        spec.addKey(KeySpec(name: "server"))
        spec.addKey(KeySpec(name: "client"))
        spec.addCertificate(.rootCA(name: "root", key: "ca", subject: .commonName("bench root")))
        spec.addCertificate(
            .server(
                name: "leaf", key: "server", issuer: "root", subject: .commonName(host),
                subjectAlternativeNames: [.dns(host)]))
        spec.addCertificate(
            .client(name: "bench_cert", key: "client", issuer: "root", subject: .commonName("bench_cert")))
        spec.addFile(OutputFileSpec(name: "root.crt", contents: [.certificate("root")]))
        spec.addFile(OutputFileSpec(name: "server.crt", contents: [.certificate("leaf")], owner: .server))
        spec.addFile(OutputFileSpec(name: "server.key", contents: [.privateKey("server")], owner: .server))
        spec.addFile(OutputFileSpec(name: "ca.crt", contents: [.certificate("root")], owner: .server))
        spec.addFile(OutputFileSpec(name: "client.crt", contents: [.certificate("bench_cert")]))
        spec.addFile(OutputFileSpec(name: "client.key", contents: [.privateKey("client")]))
        return spec
    }

    /// Writes the material into the cluster and configures TLS + pg_hba; returns the material.
    @discardableResult
    static func configure(_ cluster: Cluster) throws -> PKIMaterial {
        let material = try PKI.materialize(spec, into: cluster.filesDirectory, serverAccount: cluster.workspace.account)
        var settings = ServerSettings.ssl(
            certFile: try material.path("server.crt"), keyFile: try material.path("server.key"),
            caFile: try material.path("ca.crt"))
        settings["max_connections"] = .int(100)
        try cluster.configure(settings)
        try cluster.setHBA([
            HBARule(.hostssl, user: "bench_scram", address: "127.0.0.1/32", method: "scram-sha-256"),
            HBARule(.hostssl, user: "bench_cert", address: "127.0.0.1/32", method: "cert"),
            HBARule(.hostssl, user: "bench_trust", address: "127.0.0.1/32", method: "trust"),
        ])
        return material
    }

    /// The benchmark's login roles, as SQL (run on a server, or baked into a template).
    static var rolesSQL: String {
        get throws {
            "CREATE ROLE bench_scram LOGIN PASSWORD \(try SQLQuoting.literal(password)); CREATE ROLE bench_cert LOGIN; CREATE ROLE bench_trust LOGIN;"
        }
    }

    static func createRoles(_ cluster: Cluster) async throws {
        try await cluster.query(try rolesSQL)
    }

    /// The client settings a benchmark measures, as libpq parameters.
    struct Setting: Sendable, CustomStringConvertible {
        let sslmode: String
        let method: String
        var description: String { "\(sslmode) + \(method)" }
        var user: String { method == "cert" ? "bench_cert" : "bench_scram" }
    }

    static let settings = [
        Setting(sslmode: "require", method: "scram"), Setting(sslmode: "verify-full", method: "scram"),
        Setting(sslmode: "verify-full", method: "cert"),
    ]

    static func parameters(_ s: Setting, _ cluster: Cluster, _ material: PKIMaterial) throws -> ConnectionParameters {
        ConnectionParameters(
            host: host, hostaddr: "127.0.0.1", port: cluster.port, user: s.user,
            password: s.method == "scram" ? password : nil, sslmode: s.sslmode,
            sslrootcert: s.sslmode == "require" ? .none : .path(try material.path("root.crt")),
            sslcert: s.method == "cert" ? .path(try material.path("client.crt")) : .none,
            sslkey: s.method == "cert" ? .path(try material.path("client.key")) : .none)
    }

    /// The same settings as environment variables for pgbench (which takes no conninfo).
    static func environment(_ s: Setting, _ cluster: Cluster, _ material: PKIMaterial) throws -> [String: String] {
        var env = Command.cleanEnvironment(adding: [
            "PGHOST": host, "PGHOSTADDR": "127.0.0.1", "PGPORT": String(cluster.port), "PGUSER": s.user,
            "PGDATABASE": "postgres", "PGSSLMODE": s.sslmode, "PGGSSENCMODE": "disable",
            "HOME": cluster.workspace.clientDirectory,
        ])
        if s.method == "scram" { env["PGPASSWORD"] = password }
        if s.sslmode != "require" { env["PGSSLROOTCERT"] = try material.path("root.crt") }
        if s.method == "cert" {
            env["PGSSLCERT"] = try material.path("client.crt")
            env["PGSSLKEY"] = try material.path("client.key")
        }
        return env
    }
}
