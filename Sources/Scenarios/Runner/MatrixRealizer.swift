import ClusterKit
import Foundation

/// Turns a model `MatrixGroup` (abstract dimensions) into a `RunnableGroup` (files,
/// settings, roles, client parameters), each case carrying the model's prediction.
///
/// The mapping is one function per dimension, so a disagreement can be traced to the model
/// rule or to the way a dimension was put on disk, never to a hidden special case.
public enum MatrixRealizer {
    /// The password each role is created with; "right" sends it, "wrong" sends another.
    public static func password(for user: String) -> String { "pw-\(user)" }
    public static let wrongPassword = "not-the-password"
    public static let wrongKeyPassphrase = "not-the-passphrase"

    public static func realize(
        _ group: MatrixGroup, versions: Versions, runningAsRoot: Bool = geteuid() == 0
    ) -> RunnableGroup {
        let server = group.server
        var identities = Set<ClientIdentity>()
        for scenario in group.scenarios where scenario.client.certificate != .none {
            identities.insert(ClientIdentity(user: scenario.user, variant: scenario.client.certificate))
        }
        let pki = MatrixPKI.spec(server: server, clientCertificates: identities)

        let cases = group.scenarios.map { scenario -> CaseSpec in
            let expectation = Expectation.predict(scenario, versions: versions)
            var skip: String? = nil
            if !runningAsRoot, scenario.client.certificate == .keyGroupReadableRoot {
                skip =
                    "needs a 0640 key owned by root; a run that is not root cannot create one (the key-0640-user case covers a non-root owner)"
            }
            if scenario.client.newer.negotiation == .direct, scenario.client.sslMode.requiresSSL,
                versions.libpq >= 17, versions.server < 17
            {
                skip =
                    "not modelled: a libpq 17+ direct TLS handshake against a server older than 17 (which reads the ClientHello as a startup packet); the model predicts sslnegotiation=direct only where the server supports it"
            }
            return CaseSpec(
                id: scenario.id, client: client(scenario), expectation: .model(expectation), skipReason: skip,
                labels: labels(scenario))
        }
        // Every scenario of a group shares the server side, so a start failure is predicted for all.
        var startExpectation: CaseExpectation? = nil
        if let first = group.scenarios.first {
            let e = Expectation.predict(first, versions: versions)
            if case .serverFailsToStart = e.outcome { startExpectation = .model(e) }
        }
        return RunnableGroup(
            id: group.id, pki: pki, settings: settings(server.tls), hba: server.hba.map(hbaRule),
            ident: server.ident, roles: roles(group), extensions: ["sslinfo"],
            startExpectation: startExpectation, cases: cases)
    }

    /// The dimensions report tables are drawn by.
    static func labels(_ s: Scenario) -> [String: String] {
        var l = [
            "sslmode": s.client.sslMode.rawValue,
            "hba": s.primaryRule?.description ?? "no-rule",
            "chain": s.server.chain.rawValue,
            "trust": s.client.trust.rawValue,
            "names": s.server.names.rawValue,
            "tls": s.server.tls.description,
            "certificate": s.client.certificate.rawValue,
        ]
        if s.server.hba.first == .rejectNonSSL { l["hardened"] = "hostnossl-reject-first" }
        return l
    }

    // MARK: Server side

    static func settings(_ tls: ServerTLS) -> ServerSettings {
        var s = ServerSettings()
        s["ssl"] = .bool(tls.ssl)
        s["ssl_cert_file"] = .string("{files}/\(MatrixPKI.serverCert)")
        let encrypted = tls.passphrase != .none
        s["ssl_key_file"] = .string("{files}/\(encrypted ? MatrixPKI.serverKeyEncrypted : MatrixPKI.serverKey)")
        switch tls.caFile {
        case .none: s["ssl_ca_file"] = .string("")
        case .root: s["ssl_ca_file"] = .string("{files}/\(MatrixPKI.serverCAFileRoot)")
        case .rootAndIntermediate: s["ssl_ca_file"] = .string("{files}/\(MatrixPKI.serverCAFileBundle)")
        }
        switch tls.crl {
        case .none: break
        case .file: s["ssl_crl_file"] = .string("{files}/\(MatrixPKI.serverCRLFile)")
        case .dir: s["ssl_crl_dir"] = .string("{files}/\(MatrixPKI.serverCRLDir)")
        }
        if let min = tls.minProtocol { s["ssl_min_protocol_version"] = .string(min.rawValue) }
        if let max = tls.maxProtocol { s["ssl_max_protocol_version"] = .string(max.rawValue) }
        s["ssl_ciphers"] = .string(tls.ciphers.rawValue)
        s["ssl_prefer_server_ciphers"] = .bool(tls.preferServerCiphers)
        s["ssl_ecdh_curve"] = .string(tls.ecdhCurve)
        switch tls.passphrase {
        case .none: break
        case .commandRight, .commandRightReload:
            s["ssl_passphrase_command"] = .string("echo \(MatrixPKI.passphrase)")
            s["ssl_passphrase_command_supports_reload"] = .bool(tls.passphrase == .commandRightReload)
        case .commandWrong:
            s["ssl_passphrase_command"] = .string("echo \(wrongKeyPassphrase)")
        }
        return s
    }

    static func hbaRule(_ entry: HBAEntry) -> HBARule {
        var options: [HBARule.Option] = []
        if let cc = entry.clientCert { options.append(.init("clientcert", cc.rawValue)) }
        if let cn = entry.clientName { options.append(.init("clientname", cn.rawValue)) }
        if let map = entry.map { options.append(.init("map", map)) }
        let type = HBARule.ConnectionType(rawValue: entry.type.rawValue)!
        return HBARule(
            type, database: entry.database, user: entry.user, address: "all",
            method: entry.method.rawValue, options: options)
    }

    /// One role per user named by a rule or a scenario, stored as the scenarios say.
    static func roles(_ group: MatrixGroup) -> [RoleSpec] {
        var stored: [String: StoredPassword] = [:]
        for scenario in group.scenarios { stored[scenario.user] = stored[scenario.user] ?? scenario.storedPassword }
        for rule in group.server.hba where rule.user != "all" { stored[rule.user] = stored[rule.user] ?? .scram }
        return stored.keys.sorted().map { user in
            RoleSpec(
                name: user, password: password(for: user),
                passwordEncryption: stored[user] == .md5 ? "md5" : "scram-sha-256")
        }
    }

    // MARK: Client side

    static func client(_ scenario: Scenario) -> ClientTemplate {
        let c = scenario.client
        let password: String? =
            switch c.password {
            case .right: password(for: scenario.user)
            case .wrong: wrongPassword
            case .none: nil
            }
        var t = ClientTemplate(
            transport: c.transport == .tcp ? .tcp : .unixSocket, host: scenario.server.names.clientHost,
            dbname: scenario.database, user: scenario.user, password: password, sslmode: c.sslMode.rawValue,
            sslMinProtocolVersion: (c.minProtocol ?? .tls12).rawValue, sslMaxProtocolVersion: c.maxProtocol?.rawValue,
            channelBinding: c.channelBinding.rawValue)
        t.sslrootcert =
            switch c.trust {
            case .missingFile: .none
            case .root: .pki(MatrixPKI.clientRoot)
            case .rootAndIntermediate: .pki(MatrixPKI.clientRootAndIntermediate)
            case .intermediateOnly: .pki(MatrixPKI.clientIntermediate)
            case .unrelatedCA: .pki(MatrixPKI.clientUnrelated)
            case .defaultAbsent: .libpqDefault
            }
        let viaIntermediate = scenario.server.chain.issuedByIntermediate
        switch c.crl {
        case .none: break
        case .issuerFile: t.sslcrl = .pki(viaIntermediate ? MatrixPKI.clientCRLIntermediate : MatrixPKI.clientCRLRoot)
        case .issuerDir:
            t.sslcrldir = .pki(viaIntermediate ? MatrixPKI.clientCRLDirIntermediate : MatrixPKI.clientCRLDirRoot)
        case .allFile: t.sslcrl = .pki(MatrixPKI.clientCRLAll)
        case .allDir: t.sslcrldir = .pki(MatrixPKI.clientCRLDirAll)
        }
        if c.newer.systemRoots { t.sslrootcert = .literal("system") }
        t.newer = NewerClientOptions(
            sslcertmode: c.newer.certMode?.rawValue, requireAuth: c.newer.requireAuth,
            sslnegotiation: c.newer.negotiation?.rawValue)
        if c.certificate != .none {
            t.sslcert = .pki(MatrixPKI.clientCertFile(scenario.user, c.certificate))
            t.sslkey = .pki(MatrixPKI.clientKeyFile(scenario.user, c.certificate))
            switch c.certificate {
            case .encryptedKeyRightPassword: t.sslpassword = MatrixPKI.passphrase
            case .encryptedKeyWrongPassword: t.sslpassword = wrongKeyPassphrase
            default: break
            }
        }
        return t
    }
}
