extension MatrixDefinition {
    /// The keywords of newer libpq releases (sslrootcert=system, sslcertmode, require_auth,
    /// sslnegotiation): each against the rules it changes. Every client gets every case: a
    /// libpq that does not know a keyword must answer with its own "invalid connection option".
    static var clientOptionsProduct: [Scenario] {
        let hba = [
            HBAEntry(.hostssl, user: "u_opt_trust", method: .trust),
            HBAEntry(.hostssl, user: "u_opt_scram", method: .scramSHA256),
            HBAEntry(.hostssl, user: "u_opt_cert", method: .cert),
        ]
        var out: [Scenario] = []
        for caFile in [ServerCAFile.root, .none] {
            let server = ServerSide(tls: ServerTLS(caFile: caFile), hba: hba)
            func add(_ user: String, _ mode: SSLMode, _ newer: NewerClientSettings, cert: ClientCertificate = .none) {
                var client = ClientSide(sslMode: mode, certificate: cert)
                client.newer = newer
                out.append(Scenario(server: server, client: client, user: user))
            }
            for mode in [SSLMode.require, .verifyFull] {
                add("u_opt_trust", mode, NewerClientSettings(systemRoots: true))
            }
            for certMode in SSLCertMode.allCases {
                for user in ["u_opt_trust", "u_opt_cert"] {
                    add(user, .verifyFull, NewerClientSettings(certMode: certMode), cert: .validCNUser)
                }
            }
            for user in ["u_opt_trust", "u_opt_scram"] {
                add(user, .require, NewerClientSettings(requireAuth: "scram-sha-256"))
            }
            for mode in [SSLMode.prefer, .require] {
                add("u_opt_trust", mode, NewerClientSettings(negotiation: .direct))
            }
            add("u_opt_trust", .require, NewerClientSettings(negotiation: .postgres))
        }
        return out
    }
}
