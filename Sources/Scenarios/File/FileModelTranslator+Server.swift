import ClusterKit
import Foundation

/// The server side of a file: its settings, its certificate and key, pg_hba and pg_ident.
extension FileModelTranslator {
    /// The settings the model reads; any other setting takes a case out of the model.
    static let modelledSettings: Set<String> = [
        "ssl", "ssl_cert_file", "ssl_key_file", "ssl_ca_file", "ssl_crl_file", "ssl_crl_dir",
        "ssl_min_protocol_version", "ssl_max_protocol_version", "ssl_ciphers", "ssl_prefer_server_ciphers",
        "ssl_ecdh_curve", "ssl_passphrase_command", "ssl_passphrase_command_supports_reload", "password_encryption",
    ]

    func setting(_ name: String) -> ServerSettings.Value? {
        server.settings.entries.first { $0.name.lowercased() == name }?.value
    }

    func stringSetting(_ name: String) -> String? {
        switch setting(name) {
        case .string(let s)?: s
        case .int(let i)?: String(i)
        case .bool(let b)?: b ? "on" : "off"
        default: nil
        }
    }

    /// A `pki:NAME` setting's file name (the parser wrote it as `{files}/NAME`); nil when unset or empty.
    func pkiFile(_ name: String) throws(Outside) -> String? {
        guard let value = stringSetting(name), !value.isEmpty else { return nil }
        guard value.hasPrefix("{files}/") else {
            throw Outside("server.settings.\(name)", "is a path outside the file's PKI")
        }
        return String(value.dropFirst("{files}/".count))
    }

    var serverCAFile: String? { (try? pkiFile("ssl_ca_file")) ?? nil }

    /// ssl_crl_file + ssl_crl_dir (be_tls_init loads both with X509_STORE_load_locations and
    /// turns on CRL_CHECK_ALL); nil when neither is set.
    func serverCRLs() throws(Outside) -> [String]? {
        let file = try pkiFile("ssl_crl_file"), dir = try pkiFile("ssl_crl_dir")
        if file == nil && dir == nil { return nil }
        return try
            (file.map { f throws(Outside) in try crls(in: f, key: "server.settings.ssl_crl_file", directory: false) }
            ?? [])
            + (dir.map { d throws(Outside) in try crls(in: d, key: "server.settings.ssl_crl_dir", directory: true) }
                ?? [])
    }

    func protocolSetting(_ name: String) throws(Outside) -> TLSVersion? {
        guard let v = stringSetting(name), !v.isEmpty else { return nil }
        guard let version = TLSVersion(rawValue: v) else {
            throw Outside("server.settings.\(name)", "is '\(v)', not a protocol version the model knows")
        }
        return version
    }

    /// The server side, and whether the server refuses its key file's permissions.
    func serverSide() throws(Outside) -> (side: ServerSide, keyAccessRefused: Bool) {
        for (name, _) in server.settings.entries where !Self.modelledSettings.contains(name.lowercased()) {
            throw Outside("server.settings.\(name)", "is a setting the model does not read")
        }
        var tls = ServerTLS()
        if case .bool(let on)? = setting("ssl") { tls.ssl = on } else { tls.ssl = stringSetting("ssl") == "on" }
        tls.minProtocol = try protocolSetting("ssl_min_protocol_version")
        tls.maxProtocol = try protocolSetting("ssl_max_protocol_version")
        if let ciphers = stringSetting("ssl_ciphers") {
            guard let list = CipherList(rawValue: ciphers) else {
                throw Outside(
                    "server.settings.ssl_ciphers", "is a cipher list whose TLS 1.2 choice the model does not know")
            }
            tls.ciphers = list
        }
        if case .bool(let b)? = setting("ssl_prefer_server_ciphers") { tls.preferServerCiphers = b }
        if let curve = stringSetting("ssl_ecdh_curve"), curve != "prime256v1" {
            throw Outside("server.settings.ssl_ecdh_curve", "is '\(curve)'; the model knows prime256v1")
        }
        tls.caFile = serverCAFile == nil ? .none : .root
        tls.crl = try serverCRLs() == nil ? .none : .file
        if tls.ssl { tls.passphrase = try passphrase() }
        let side = ServerSide(tls: tls, hba: try hbaEntries(), ident: server.ident)
        return (side, tls.ssl ? try keyAccessRefused() : false)
    }

    /// The server leaf and what the server sends (ssl_cert_file, leaf first); nil with ssl off.
    func serverLeaf() throws(Outside) -> (cert: CertificateSpec, sent: [String])? {
        guard case .bool(true)? = setting("ssl") else { return nil }
        guard let certFile = try pkiFile("ssl_cert_file") else {
            throw Outside(
                "server.settings.ssl_cert_file", "is unset (the server would read server.crt from its data directory)")
        }
        let sent = try certificates(in: certFile, key: "server.settings.ssl_cert_file")
        let leaf = chains.certificate(sent[0])!
        // OpenSSL builds the chain it sends from the CA store when ssl_cert_file holds the leaf
        // alone (no SSL_MODE_NO_AUTO_CHAIN); the model follows only what the file holds.
        if sent.count == 1, let issuer = leaf.issuer, let ca = serverCAFile,
            try certificates(in: ca, key: "server.settings.ssl_ca_file").contains(issuer),
            chains.certificate(issuer)?.issuer != nil
        {
            throw Outside(
                "server.settings.ssl_ca_file",
                "holds the intermediate that issued the leaf-only ssl_cert_file (OpenSSL may send it from the CA store)"
            )
        }
        guard let keyFile = try pkiFile("ssl_key_file") else {
            throw Outside(
                "server.settings.ssl_key_file", "is unset (the server would read server.key from its data directory)")
        }
        guard let f = file(keyFile), f.contents == [.privateKey(leaf.key)] else {
            throw Outside("server.settings.ssl_key_file", "does not hold exactly the key of '\(leaf.name)'")
        }
        return (leaf, sent)
    }

    /// ssl_passphrase_command `echo WORD` against the key's encryption.
    func passphrase() throws(Outside) -> ServerKeyPassphrase {
        guard let keyFile = try pkiFile("ssl_key_file"), let f = file(keyFile) else { return .none }
        let command = stringSetting("ssl_passphrase_command").flatMap { $0.isEmpty ? nil : $0 }
        guard let secret = f.keyEncoding.passphrase else { return .none }
        guard let command else {
            throw Outside("pki.files.\(keyFile).encrypted", "needs a passphrase and ssl_passphrase_command is unset")
        }
        let words = command.split(separator: " ")
        guard words.count == 2, words[0] == "echo" else {
            throw Outside("server.settings.ssl_passphrase_command", "is not 'echo PASSPHRASE'")
        }
        if words[1] != secret { return .commandWrong }
        if case .bool(true)? = setting("ssl_passphrase_command_supports_reload") { return .commandRightReload }
        return .commandRight
    }

    /// be-secure-common.c check_ssl_key_file_permissions: 0600 or less when owned by the
    /// server's account, 0640 or less when owned by root.
    func keyAccessRefused() throws(Outside) -> Bool {
        guard let keyFile = try pkiFile("ssl_key_file"), let f = file(keyFile) else { return false }
        let mode = f.mode ?? 0o600
        switch f.owner {
        case .server: return mode & 0o077 != 0
        case .rootWithServerGroup: return mode & 0o037 != 0
        case .client: throw Outside("pki.files.\(keyFile).owner", "gives the server key to the client account")
        }
    }

    func hbaEntries() throws(Outside) -> [HBAEntry] {
        try server.hba.enumerated().map { i, r throws(Outside) in try hbaEntry(r, key: "server.hba[\(i + 1)]") }
    }

    /// One line in the model's terms; `written` keeps the exact text the server quotes.
    func hbaEntry(_ r: HBARule, key: String) throws(Outside) -> HBAEntry {
        guard let type = HBAConnectionType(rawValue: r.type.rawValue) else {
            throw Outside(key, "uses connection type \(r.type.rawValue)")
        }
        for (column, value) in [("database", r.database), ("user", r.user)] {
            let names = value.split(separator: ",", omittingEmptySubsequences: false)
            let keywords = ["sameuser", "samerole", "samegroup", "replication"]
            if names.contains(where: {
                $0.isEmpty || $0.hasPrefix("+") || $0.hasPrefix("@") || $0.hasPrefix("\"")
                    || keywords.contains(String($0))
                    || ($0 == "all" && names.count > 1)
            }) {
                throw Outside(key, "has \(column) '\(value)' (groups, files, keywords or quoting)")
            }
        }
        if let address = r.address, address != "all", IPRange.parse(address) == nil {
            throw Outside(key, "has address '\(address)' (only all or an IP range)")
        }
        guard let method = HBAMethod(rawValue: r.method) else {
            throw Outside(key, "uses method \(r.method)")
        }
        var entry = HBAEntry(type, user: r.user, database: r.database, method: method)
        for option in r.options {
            switch option.name {
            case "clientcert":
                guard let v = HBAClientCertOption(rawValue: option.value) else {
                    throw Outside(key, "has clientcert=\(option.value)")
                }
                entry.clientCert = v
            case "clientname":
                guard let v = HBAClientName(rawValue: option.value) else {
                    throw Outside(key, "has clientname=\(option.value)")
                }
                entry.clientName = v
            case "map": entry.map = option.value
            default: throw Outside(key, "has option \(option.name)")
            }
        }
        entry.address = r.address
        entry.written = r
        return entry
    }
}
