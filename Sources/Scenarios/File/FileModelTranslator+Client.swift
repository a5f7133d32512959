import ClusterKit
import Foundation

/// The client side of a file's case: its libpq keywords and the files they name.
extension FileModelTranslator {
    /// What the client's files decide: the trust file's certificates (nil: no root file, so
    /// no verification), the CRLs libpq loads (nil: no CRL checking) and the certificates
    /// sslcert sends (nil: none).
    struct ClientFiles {
        var trusted: [String]?
        var crls: [String]?
        var sent: [String]?
        /// `raw:` values libpq refuses before connecting.
        var invalid: [String: String] = [:]
    }

    /// Keywords whose invalid values the model words (fe-connect.c connectOptions2).
    static let validatedKeywords = [
        "channel_binding", "sslmode", "ssl_min_protocol_version", "ssl_max_protocol_version",
    ]

    /// `raw:` values libpq will refuse, keyword to value; other raw values are read as usual.
    func invalidOptions(_ c: ClientTemplate) throws(Outside) -> [String: String] {
        var out: [String: String] = [:]
        for key in c.rawKeywords {
            let value: String? =
                switch key {
                case "sslmode": SSLMode(rawValue: c.sslmode) == nil ? c.sslmode : nil
                case "channel_binding": ChannelBinding(rawValue: c.channelBinding) == nil ? c.channelBinding : nil
                case "ssl_min_protocol_version":
                    TLSVersion(rawValue: c.sslMinProtocolVersion) == nil ? c.sslMinProtocolVersion : nil
                case "ssl_max_protocol_version":
                    c.sslMaxProtocolVersion.flatMap { TLSVersion(rawValue: $0) == nil ? $0 : nil }
                default: nil
                }
            guard let value else { continue }
            guard Self.validatedKeywords.contains(key) else {
                throw Outside("client.raw.\(key)", "hands libpq a value whose validation the model does not word")
            }
            out[key] = value
        }
        return out
    }

    func clientSide(_ c: ClientTemplate, serverSide: ServerSide) throws(Outside) -> (ClientSide, ClientFiles) {
        let invalid = try invalidOptions(c)
        var c = c
        if invalid["sslmode"] != nil { c.sslmode = "prefer" }
        if invalid["channel_binding"] != nil { c.channelBinding = "prefer" }
        if invalid["ssl_min_protocol_version"] != nil { c.sslMinProtocolVersion = "TLSv1.2" }
        if invalid["ssl_max_protocol_version"] != nil { c.sslMaxProtocolVersion = nil }
        guard let mode = SSLMode(rawValue: c.sslmode) else { throw Outside("client.sslmode", "is '\(c.sslmode)'") }
        var side = ClientSide(sslMode: mode)
        side.transport = c.transport == .tcp ? .tcp : .unixSocket
        if side.transport == .tcp, c.hostaddr == nil, c.host != "127.0.0.1" {
            // libpq resolves host itself: the model follows only a name this machine resolves
            // to 127.0.0.1 alone (where the server listens), one attempt.
            let addresses = Self.resolve(c.host)
            guard addresses == ["127.0.0.1"] else {
                throw Outside(
                    "client.hostaddr",
                    "is none and '\(c.host)' resolves here to \(addresses.isEmpty ? "nothing" : addresses.joined(separator: ", ")), not to 127.0.0.1 alone"
                )
            }
        } else if side.transport == .tcp, let a = c.hostaddr, a != "127.0.0.1" {
            throw Outside("client.hostaddr", "is '\(a)', where no server listens")
        }
        guard let cb = ChannelBinding(rawValue: c.channelBinding) else {
            throw Outside("client.channel_binding", "is '\(c.channelBinding)'")
        }
        side.channelBinding = cb
        guard let minimum = TLSVersion(rawValue: c.sslMinProtocolVersion) else {
            throw Outside("client.ssl_min_protocol_version", "is '\(c.sslMinProtocolVersion)'")
        }
        side.minProtocol = minimum == .tls12 ? nil : minimum
        if let m = c.sslMaxProtocolVersion {
            guard let maximum = TLSVersion(rawValue: m) else {
                throw Outside("client.ssl_max_protocol_version", "is '\(m)'")
            }
            side.maxProtocol = maximum
        }
        var newer = NewerClientSettings()
        if let v = c.newer.sslcertmode {
            guard let m = SSLCertMode(rawValue: v) else { throw Outside("client.sslcertmode", "is '\(v)'") }
            newer.certMode = m
        }
        newer.requireAuth = c.newer.requireAuth
        if let v = c.newer.sslnegotiation {
            guard let n = SSLNegotiation(rawValue: v) else { throw Outside("client.sslnegotiation", "is '\(v)'") }
            newer.negotiation = n
        }
        var files = ClientFiles(invalid: invalid)
        switch c.sslrootcert {
        case .pki(let name):
            side.trust = .root
            files.trusted = try certificates(in: name, key: "client.sslrootcert")
        case .none, .nonexistent: side.trust = .missingFile
        case .libpqDefault: side.trust = .defaultAbsent
        case .literal(let value):
            guard value == "system" else { throw Outside("client.sslrootcert", "is '\(value)'") }
            newer.systemRoots = true
            side.trust = .missingFile
        }
        side.newer = newer
        if files.trusted != nil { files.crls = try clientCRLs(c) }
        (side.certificate, files.sent) = try clientCertificate(c, serverSide: serverSide)
        return (side, files)
    }

    /// getaddrinfo(host, AF_UNSPEC, SOCK_STREAM) as libpq calls it, as numeric addresses.
    static func resolve(_ host: String) -> [String] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &result) == 0 else { return [] }
        defer { freeaddrinfo(result) }
        var out: [String] = []
        var p = result
        while let info = p {
            var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            if getnameinfo(
                info.pointee.ai_addr, info.pointee.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST)
                == 0
            {
                let text = String(cString: buffer)
                if !out.contains(text) { out.append(text) }
            }
            p = info.pointee.ai_next
        }
        return out
    }

    /// initialize_SSL: sslcrl and sslcrldir go to one X509_STORE_load_locations call, which
    /// turns on CRL_CHECK_ALL only when it succeeds (a missing sslcrl fails it); with both
    /// unset libpq tries ~/.postgresql/root.crl, absent for the hermetic probe.
    func clientCRLs(_ c: ClientTemplate) throws(Outside) -> [String]? {
        var out: [String] = []
        let dirGiven: Bool
        switch c.sslcrldir {
        case .pki(let name):
            out += try crls(in: name, key: "client.sslcrldir", directory: true)
            dirGiven = true
        case .none, .nonexistent: dirGiven = true
        case .libpqDefault: dirGiven = false
        case .literal: throw Outside("client.sslcrldir", "is a literal path")
        }
        switch c.sslcrl {
        case .pki(let name): out += try crls(in: name, key: "client.sslcrl", directory: false)
        // ClientTemplate leaves a "missing" sslcrl out when a directory is given (see
        // ConnectionParameters.keywordValues), so the directory alone decides.
        case .none: if !dirGiven { return nil }
        case .nonexistent: return nil
        case .libpqDefault: if !dirGiven { return nil }
        case .literal: throw Outside("client.sslcrl", "is a literal path")
        }
        if case .pki = c.sslcrldir {} else if case .pki = c.sslcrl {} else { return nil }
        return out
    }

    /// sslcert/sslkey/sslpassword as the matrix's `ClientCertificate` classes (what libpq's
    /// key checks decide), and the certificates sent.
    func clientCertificate(
        _ c: ClientTemplate, serverSide: ServerSide
    ) throws(Outside) -> (ClientCertificate, [String]?) {
        guard case .pki(let certFile) = c.sslcert else { return (.none, nil) }
        let sent = try certificates(in: certFile, key: "client.sslcert")
        let leaf = chains.certificate(sent[0])!
        guard case .pki(let keyFile) = c.sslkey, let f = file(keyFile) else {
            throw Outside("client.sslkey", "is missing beside an existing sslcert")
        }
        guard f.contents.count == 1, case .privateKey(let keyName) = f.contents[0] else {
            throw Outside("client.sslkey", "does not hold exactly one private key")
        }
        let mode = f.mode ?? 0o600
        // fe-secure-openssl.c initialize_SSL: u=rw (0600) or less, or u=rw,g=r (0640) owned by root.
        if f.owner == .rootWithServerGroup {
            if mode & 0o037 != 0 { return (.keyWorldReadable, sent) }
            if mode & 0o040 != 0 { return (.keyGroupReadableRoot, sent) }
        } else if mode & 0o077 != 0 {
            return (.keyWorldReadable, sent)
        }
        if let secret = f.keyEncoding.passphrase {
            if f.format != .pem { throw Outside("client.sslkey", "is an encrypted key in \(f.format.rawValue) form") }
            // An empty sslpassword installs no callback (PQssl_passwd_cb only when non-empty):
            // OpenSSL prompts, and without a terminal fails as with none.
            switch c.sslpassword {
            case nil, ""?: return (.encryptedKeyNoPassword, sent)
            case let p? where p == secret: break
            default: return (.encryptedKeyWrongPassword, sent)
            }
        }
        if keyName != leaf.key {
            let other = pki.keys.first { $0.name == keyName }
            let mine = chains.key(of: leaf)
            if other?.algorithm != mine?.algorithm {
                throw Outside("client.sslkey", "holds a key of another type than sslcert's")
            }
            return (.mismatchedKey, sent)
        }
        return (f.keyEncoding.passphrase == nil ? .validCNUser : .encryptedKeyRightPassword, sent)
    }
}
