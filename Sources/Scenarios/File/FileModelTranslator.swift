import ClusterKit
import Foundation

/// Translates one scenario-file case from the file's own vocabulary (its certificates,
/// files, settings, pg_hba lines, roles and client keywords) into the model's `Scenario`,
/// with the PKI answers in `ScenarioFacts`, so `expect: model` is predicted by the same
/// rules as the built-in matrix.
///
/// Every fact is derived from the real objects (which certificates a file holds, who issued
/// them, what a CRL revokes, which names a leaf carries); nothing depends on a file's or a
/// case's name. What the model does not cover throws `Outside`, which the parser turns into
/// one `outside-model` error naming the case and the key.
struct FileModelTranslator {
    let pki: PKISpec
    let server: ParsedServer
    let now: Date

    /// The key that takes a case out of the model, and why.
    struct Outside: Error {
        var key: String
        var reason: String
        init(_ key: String, _ reason: String) {
            self.key = key
            self.reason = reason
        }
    }

    /// The bootstrap superuser initdb creates; it has no password.
    static let bootstrapRole = "postgres"
    static let builtinDatabases = ["postgres"]

    var chains: FileChainCheck { FileChainCheck(pki: pki, now: now) }

    func file(_ name: String) -> OutputFileSpec? { pki.files.first { $0.name == name } }

    /// The certificate names a PEM file holds, in order; `key` names the setting for errors.
    func certificates(in name: String, key: String) throws(Outside) -> [String] {
        guard let f = file(name) else { throw Outside(key, "names no PKI file") }
        if f.format != .pem {
            throw Outside(key, "is a \(f.format.rawValue) file where OpenSSL reads PEM certificates")
        }
        var out: [String] = []
        for object in f.contents {
            guard case .certificate(let c) = object else {
                throw Outside(key, "holds a key or CRL beside its certificates")
            }
            out.append(c)
        }
        if out.isEmpty { throw Outside(key, "holds no certificate") }
        return out
    }

    /// The CRL names a file (PEM: X509_LOOKUP_load_file reads PEM) or a hashed directory
    /// holds; `directory` says which the keyword takes.
    func crls(in name: String, key: String, directory: Bool) throws(Outside) -> [String] {
        guard let f = file(name) else { throw Outside(key, "names no PKI file") }
        if directory != (f.format == .hashedDirectory) || f.format == .der {
            throw Outside(
                key, "is a \(f.format.rawValue) where it takes \(directory ? "a hashed directory" : "a PEM file")")
        }
        var out: [String] = []
        for object in f.contents {
            guard case .crl(let c) = object else { throw Outside(key, "holds certificates or keys beside CRLs") }
            out.append(c)
        }
        return out
    }

    func translate(_ c: ClientTemplate) throws(Outside) -> Scenario {
        let (side, keyAccessRefused) = try serverSide()
        let leaf = try serverLeaf()
        let (client, clientFacts) = try clientSide(c, serverSide: side)
        var facts = ScenarioFacts(
            serverChainFailure: nil, clientChainFailure: nil, serverCommonName: nil, serverSubjectAltNames: [],
            host: c.host, clientCommonName: nil, clientDistinguishedName: nil, serverKeyIsRSA: false)
        if let leaf {
            facts.serverCommonName = leaf.cert.subject.commonName
            facts.serverSubjectAltNames = leaf.cert.subjectAlternativeNames.compactMap {
                switch $0 {
                case .dns(let n): SubjectAltName.dns(n)
                case .ipAddress(let a): SubjectAltName.ip(a)
                default: nil
                }
            }
            if let k = chains.key(of: leaf.cert) {
                switch k.algorithm {
                case .rsa, .rsaPSS: facts.serverKeyIsRSA = true
                default: break
                }
            }
            if let trusted = clientFacts.trusted {
                facts.serverChainFailure = try chains.verify(
                    sent: leaf.sent, trusted: trusted, crls: clientFacts.crls, purpose: .server)
            }
        }
        if let sent = clientFacts.sent {
            let leafCert = chains.certificate(sent[0])!
            facts.clientCommonName = leafCert.subject.commonName
            facts.clientDistinguishedName = FileChainCheck.rfc2253(leafCert.subject)
            if let ca = serverCAFile {
                let trusted = try certificates(in: ca, key: "server.settings.ssl_ca_file")
                facts.clientChainFailure = try chains.verify(
                    sent: sent, trusted: trusted, crls: try serverCRLs(), purpose: .client)
            }
        }
        facts.serverKeyAccessRefused = keyAccessRefused
        facts.invalidClientOptions = clientFacts.invalid
        if c.transport == .tcp, c.hostaddr == nil, c.host != "127.0.0.1" { facts.resolvedHostName = c.host }
        // A server that does not start takes no connection: the client's role and database
        // do not matter then (the start-up rules are the server's alone).
        var probe = Scenario(server: side, client: client, user: c.user, database: c.dbname)
        probe.facts = facts
        if case .serverFailsToStart = Expectation.predict(probe, versions: .standard).outcome { return probe }
        let role = try role(c.user)
        if c.user == Self.bootstrapRole, c.transport == .unixSocket {
            throw Outside(
                "client.user",
                "is the harness's superuser, whom the harness's own first pg_hba.conf line (local trust) admits over the socket"
            )
        }
        if !c.dbname.isEmpty, !(server.databases + Self.builtinDatabases).contains(c.dbname) {
            throw Outside("client.dbname", "names database '\(c.dbname)', which the server does not have")
        }
        var scenario = Scenario(
            server: side, client: client, user: c.user, database: c.dbname,
            storedPassword: role.passwordEncryption == "md5" ? .md5 : .scram)
        scenario.client.password =
            switch c.password {
            case nil: .none
            case let p? where p == role.password: .right
            default: .wrong
            }
        if role.password == nil, c.password != nil, try passwordRuleReachable(scenario) {
            throw Outside(
                "server.roles", "role '\(c.user)' has no password while a password method can ask it for one")
        }
        scenario.facts = facts
        try checkChannelBinding(scenario, leaf: leaf)
        return scenario
    }

    func role(_ name: String) throws(Outside) -> RoleSpec {
        if let r = server.roles.first(where: { $0.name == name }) { return r }
        if name == Self.bootstrapRole { return RoleSpec(name: name, password: nil) }
        throw Outside("client.user", "names role '\(name)', which the server does not create")
    }

    /// Whether the first line a TCP attempt of this case reaches asks for a password.
    func passwordRuleReachable(_ s: Scenario) throws(Outside) -> Bool {
        for ssl in [true, false] {
            let first = s.server.hba.first { r in
                let typeOK: Bool =
                    switch (r.type, s.client.transport) {
                    case (.local, .unixSocket): true
                    case (.host, .tcp): true
                    case (.hostssl, .tcp): ssl
                    case (.hostnossl, .tcp): !ssl
                    default: false
                    }
                return typeOK && r.matches(user: s.user, database: s.database) && r.matchesClientAddress
            }
            if let first, [.password, .md5, .scramSHA256].contains(first.method) { return true }
        }
        return false
    }

    /// SCRAM-SHA-256-PLUS hashes the server certificate with its signature's digest
    /// (be_tls_get_certificate_hash); a leaf signed by an Ed25519 or RSA-PSS key has none
    /// the model follows.
    func checkChannelBinding(_ s: Scenario, leaf: (cert: CertificateSpec, sent: [String])?) throws(Outside) {
        guard s.server.tls.ssl, s.client.channelBinding != .disable, let leaf,
            s.server.hba.contains(where: { $0.method == .scramSHA256 }),
            let issuer = chains.certificate(leaf.cert.issuer ?? leaf.cert.name), let key = chains.key(of: issuer)
        else { return }
        switch key.algorithm {
        case .ed25519, .rsaPSS:
            throw Outside(
                "pki.certificates.\(issuer.name).key",
                "signs the server certificate with \(key.algorithm), a signature without the digest SCRAM-SHA-256-PLUS hashes the certificate with"
            )
        default: return
        }
    }
}
