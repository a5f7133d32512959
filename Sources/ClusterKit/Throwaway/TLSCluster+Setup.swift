import Foundation

extension TLSCluster {
    /// One root CA, a server certificate for `hostName` and 127.0.0.1, a client certificate
    /// for the login role.
    static func pkiSpec(_ options: TLSClusterOptions) -> PKISpec {
        var spec = PKISpec()
        for key in ["ca-key", "server-key", "client-key"] { spec.addKey(KeySpec(name: key)) }
        spec.addCertificate(
            .rootCA(
                name: "root", key: "ca-key",
                subject: DistinguishedName([("O", "pg-ssl-matrix"), ("CN", "pg-ssl-matrix throwaway root CA")])))
        spec.addCertificate(
            .server(
                name: "server", key: "server-key", issuer: "root",
                subject: DistinguishedName([("CN", options.hostName)]),
                subjectAlternativeNames: [.dns(options.hostName), .ipAddress("127.0.0.1")]))
        spec.addCertificate(
            .client(
                name: "client", key: "client-key", issuer: "root", subject: DistinguishedName([("CN", options.user)])))
        spec.addFile(OutputFileSpec(name: rootName, contents: [.certificate("root")]))
        spec.addFile(OutputFileSpec(name: "server.crt", contents: [.certificate("server")]))
        spec.addFile(OutputFileSpec(name: "server.key", contents: [.privateKey("server-key")]))
        spec.addFile(OutputFileSpec(name: clientCertName, contents: [.certificate("client")]))
        spec.addFile(OutputFileSpec(name: clientKeyName, contents: [.privateKey("client-key")]))
        return spec
    }

    /// Writes the client's files into `clientDirectory` and the server's into the cluster's
    /// files directory (server account), and turns ssl on with the root as ssl_ca_file.
    static func installCertificates(
        on cluster: Cluster, options: TLSClusterOptions, clientDirectory: String
    ) throws -> (root: String, cert: String, key: String) {
        let material = try PKI.materialize(
            pkiSpec(options), into: clientDirectory, serverAccount: cluster.workspace.account)
        func read(_ name: String) throws -> Data {
            try Data(contentsOf: URL(fileURLWithPath: try material.path(name)))
        }
        let certFile = try cluster.writeServerFile("server.crt", try read("server.crt"), mode: 0o644)
        let keyFile = try cluster.writeServerFile("server.key", try read("server.key"), mode: 0o600)
        let caFile = try cluster.writeServerFile("root.crt", try read(rootName), mode: 0o644)
        SecureFiles.remove(try material.path("server.key"))
        SecureFiles.remove(try material.path("server.crt"))
        try cluster.appendConf(.ssl(certFile: certFile, keyFile: keyFile, caFile: caFile))
        return (try material.path(rootName), try material.path(clientCertName), try material.path(clientKeyName))
    }

    /// TLS: `hostssl` for the login role, and `hostnossl ... reject` so a plaintext attempt
    /// is refused by name; without TLS: `host` lines.
    static func hbaRules(_ options: TLSClusterOptions) -> [HBARule] {
        let method: String
        switch options.authentication {
        case .certificate: method = options.tls ? "cert" : "trust"
        case .password: method = "scram-sha-256"
        case .trust: method = "trust"
        }
        if options.tls {
            return [
                HBARule(.hostnossl, address: "all", method: "reject"),
                HBARule(.hostssl, address: "127.0.0.1/32", method: method),
            ]
        }
        return [HBARule(.host, address: "127.0.0.1/32", method: method)]
    }

    /// Names and passwords quoted by `SQLQuoting`, the one quoting function.
    static func roleSQL(_ options: TLSClusterOptions) throws -> String {
        let ident = try SQLQuoting.identifier(options.user, what: "role name")
        var sql = ""
        if case .password(let p) = options.authentication {
            let literal = try SQLQuoting.literal(p, what: "password")
            sql = "SET password_encryption = 'scram-sha-256'; "
            if options.user == Cluster.adminUser { return sql + "ALTER ROLE \(ident) PASSWORD \(literal);" }
            return sql + "CREATE ROLE \(ident) LOGIN SUPERUSER PASSWORD \(literal);"
        }
        if options.user == Cluster.adminUser { return "SELECT 1;" }
        return "CREATE ROLE \(ident) LOGIN SUPERUSER;"
    }
}
