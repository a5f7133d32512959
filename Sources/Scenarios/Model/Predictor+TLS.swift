/// Why OpenSSL's X509_verify_cert fails, mapped to the alert the verifying side sends (ssl_verify_alarm_type).
public enum ChainFailure: Sendable, Hashable, Codable {
    case unknownIssuer(String)
    case crlMissing
    case revoked
    case expired
    case notYetValid
    /// X509_V_ERR_CERT_SIGNATURE_FAILURE: the issuer found by name did not sign the leaf.
    case signatureFailure
    /// X509_V_ERR_INVALID_PURPOSE: the leaf's extendedKeyUsage lacks the side's purpose
    /// (libssl verifies a server against "ssl_server", a client against "ssl_client").
    case invalidPurpose

    /// The X509_V_ERR OpenSSL reports for the failure (X509_verify_cert_error_string), as a
    /// 16+ server logs it for a refused client certificate. `unknownIssuer` is
    /// UNABLE_TO_GET_ISSUER_CERT_LOCALLY: build_chain found no issuer for the top of a chain
    /// made only of sent certificates (a self-signed leaf would be DEPTH_ZERO_SELF_SIGNED_CERT,
    /// which no client certificate here is).
    var verifyError: MessageKey {
        switch self {
        case .unknownIssuer: return .osslVerifyUnableToGetIssuerLocally
        case .crlMissing: return .osslVerifyUnableToGetCRL
        case .revoked: return .osslVerifyCertRevoked
        case .expired: return .osslVerifyCertHasExpired
        case .notYetValid: return .osslVerifyCertNotYetValid
        case .signatureFailure: return .osslVerifyCertSignatureFailure
        case .invalidPurpose: return .osslVerifyInvalidPurpose
        }
    }

    var alert: MessageKey {
        switch self {
        case .unknownIssuer, .crlMissing: return .osslAlertUnknownCA
        case .revoked: return .osslAlertCertificateRevoked
        case .expired: return .osslAlertCertificateExpired
        case .notYetValid: return .osslAlertBadCertificate
        case .signatureFailure: return .osslAlertDecryptError
        case .invalidPurpose: return .osslAlertUnsupportedCertificate
        }
    }
}

extension Predictor {
    /// One SSL attempt, from initialize_SSL to the end of authentication.
    mutating func sslAttempt() -> AttemptEnd {
        let c = s.client
        // 1. initialize_SSL: root certificate
        // sslrootcert=system: the system's trusted roots from libpq 16; before, a file named "system".
        let systemRoots = c.newer.systemRoots
        let verifying = systemRoots ? libpq >= 16 : c.trust.fileExists
        if systemRoots {
            rule(libpq >= 16 ? .libpq16SystemRoots : .libpqSystemRootsAsFile)
        }
        if !verifying {
            if c.sslMode.verifiesServer {
                rule(.libpqTlsRootCertMissing, ["sslmode": c.sslMode.rawValue])
                return .failed(
                    body: msg(.rootCertMissing, ["rootcert": systemRoots ? "{rootcert}" : c.trust.pathPlaceholder]),
                    log: clientClosedDuringHandshake,
                    kind: .sslSetup)
            }
            rule(.libpqTlsNoRootCertNoVerify, ["sslmode": c.sslMode.rawValue])
        } else if !c.sslMode.verifiesServer {
            rule(.libpqTlsRootCertVerifies)
        }
        // 1b. client certificate and key
        if let fail = clientKeyFailure() { return fail }
        // 2. protocol negotiation
        let tls = s.server.tls
        let lo = max(c.effectiveMin, tls.effectiveMin), hi = min(c.effectiveMax, tls.effectiveMax)
        if lo > hi {
            rule(
                .tlsProtocolNoOverlap,
                [
                    "client_min": c.effectiveMin.rawValue, "client_max": c.effectiveMax.rawValue,
                    "server_min": tls.effectiveMin.rawValue, "server_max": tls.effectiveMax.rawValue,
                ])
            let body =
                msg(.sslError, ["detail": msg(.osslAlertProtocolVersion).text])
                + msg(
                    .protocolRangeHint,
                    ["min": c.minProtocol?.rawValue ?? "TLSv1.2", "max": c.maxProtocol?.rawValue ?? "TLSv1.3"])
            let hint = msg(
                .acceptSSLProtocolHint, ["min": tls.effectiveMin.rawValue, "max": tls.effectiveMax.rawValue])
            return .failed(
                body: body,
                log: [
                    "LOG:  "
                        + msg(.acceptSSLFailed, ["detail": msg(.osslUnsupportedProtocol, printedBy: .server).text]),
                    "HINT:  " + hint,
                ],
                kind: .sslSetup)
        }
        let version = hi
        negotiated = version
        rule(.tlsProtocolNegotiated, ["version": version.rawValue, "curve": tls.ecdhCurve])
        // 3. server chain, verified by the client
        if verifying {
            let systemFailure: ChainFailure? = systemRoots ? .unknownIssuer("not among the system's roots") : nil
            if let f = systemFailure ?? serverChainFailure() {
                // libpq prints the first error on OpenSSL's queue: for a bad signature that is
                // the EVP error ASN1_item_verify_ctx raised, before "certificate verify failed".
                let detail: MessageKey = f == .signatureFailure ? .osslEVPLib : .osslCertificateVerifyFailed
                rule(.libpqTlsChainFailed, ["failure": "\(f)"])
                return .failed(
                    body: msg(.sslError, ["detail": msg(detail).text]),
                    log: ["LOG:  " + msg(.acceptSSLFailed, ["detail": msg(f.alert, printedBy: .server).text])],
                    kind: .sslSetup)
            }
            rule(.libpqTlsChainVerified)
        }
        // 4. client certificate, verified by the server
        let sendsCert = c.certificate != .none && tls.caFile != .none && certificateOffered
        if c.certificate != .none, tls.caFile != .none, !certificateOffered {
            rule(.libpqSslcertmodeDisable)
        }
        if c.certificate != .none, tls.caFile == .none {
            rule(.serverTlsNoCaFile)
        }
        var postHandshakeFailure: AttemptEnd?
        if sendsCert, let f = clientChainFailure() {
            var body = msg(.sslError, ["detail": msg(f.alert).text])
            var log: [MessageTemplate] = [
                "LOG:  " + msg(.acceptSSLFailed, ["detail": msg(.osslCertificateVerifyFailed, printedBy: .server).text])
            ]
            if let detail = clientCertificateFailureDetail(f) { log.append(detail) }
            if version == .tls13 {
                rule(.tls13ClientCertRejectedAfterHandshake, ["failure": "\(f)"])
                if libpq < 15 {
                    rule(.libpq14StartupPacketResetRace)
                    let reset = msg(.startupPacketNotSent, ["detail": "Connection reset by peer"]).text
                    body = body + MessageTemplate(MessageTemplate.oneOf(["", reset]))
                }
                postHandshakeFailure = .failed(body: body, log: log, kind: .client)
            } else {
                rule(.tls12ClientCertRejectedInHandshake, ["failure": "\(f)"])
                return .failed(body: body, log: log, kind: .sslSetup)
            }
        }
        // 5. host name (verify-full), after SSL_connect
        if c.sslMode == .verifyFull, let body = nameCheckFailure() {
            return .failed(
                body: body,
                log: postHandshakeFailure.map { if case .failed(_, let l, _, _) = $0 { return l } else { return [] } }
                    ?? [], kind: .sslSetup)
        }
        if let postHandshakeFailure { return postHandshakeFailure }
        return serverAuthentication(ssl: true, peerCertValid: sendsCert)
    }

    /// The server answered 'S' and waits in SSL_accept; libpq fails in initialize_SSL before
    /// sending a ClientHello and closes the socket, which the server logs as EOF (08P01).
    var clientClosedDuringHandshake: [MessageTemplate] { ["LOG:  " + msg(.acceptSSLEOF)] }

    /// initialize_SSL: client certificate and private key checks, in libpq's order.
    mutating func clientKeyFailure() -> AttemptEnd? {
        let key = ["sslkey": "{sslkey}"]
        switch s.client.certificate {
        case .keyWorldReadable, .keyGroupReadableUser:
            rule(.libpqKeyGroupWorldAccess)
            return .failed(body: msg(.keyGroupWorldAccess, key), log: clientClosedDuringHandshake, kind: .sslSetup)
        case .keyGroupReadableRoot:
            rule(.libpqKeyRootOwned0640)
        case .encryptedKeyWrongPassword:
            rule(.libpqKeyWrongPassword)
            return .failed(
                body: msg(
                    .keyLoadFailed,
                    key.merging(["detail": MessageCatalogue.wrongPassphraseDetail(versions, printedBy: .client)]) {
                        a, _ in a
                    }),
                log: clientClosedDuringHandshake, kind: .sslSetup)
        case .encryptedKeyNoPassword:
            rule(.libpqKeyNoPasswordNoTerminal)
            return .failed(
                body: msg(.keyLoadFailed, key.merging(["detail": msg(.osslProcessingError).text]) { a, _ in a }),
                log: clientClosedDuringHandshake, kind: .sslSetup)
        case .encryptedKeyRightPassword:
            rule(.libpqKeyPasswordCallback)
        case .mismatchedKey:
            rule(.libpqKeyMismatch)
            return .failed(
                body: msg(.keyLoadFailed, key.merging(["detail": msg(.osslKeyValuesMismatch).text]) { a, _ in a }),
                log: clientClosedDuringHandshake, kind: .sslSetup)
        default:
            break
        }
        return nil
    }

    /// X509_verify_cert of the server chain against sslrootcert (+ sslcrl/sslcrldir with CRL_CHECK_ALL).
    func serverChainFailure() -> ChainFailure? {
        if let facts = s.facts { return facts.serverChainFailure }
        let trust = s.client.trust
        let rootTrusted = trust == .root || trust == .rootAndIntermediate
        let intermediateAvailable: Bool
        switch s.server.chain {
        case .selfSigned: return .unknownIssuer("self-signed leaf, depth 0")
        case .unrelatedCA: return .unknownIssuer("issuer not in sslrootcert")
        case .intermediateBundled: intermediateAvailable = true
        case .intermediateUnbundled: intermediateAvailable = trust == .rootAndIntermediate || trust == .intermediateOnly
        default: intermediateAvailable = true
        }
        if s.server.chain.issuedByIntermediate {
            if !intermediateAvailable { return .unknownIssuer("intermediate neither sent nor in sslrootcert") }
            if !rootTrusted { return .unknownIssuer("chain does not reach a trusted root (no partial chains)") }
        } else if !rootTrusted {
            return .unknownIssuer("root not in sslrootcert (no partial chains)")
        }
        // X509_verify_cert order: build_chain, check_chain (purpose), trust, revocation, then
        // internal_verify (signatures and times).
        if s.server.chain == .noServerAuth { return .invalidPurpose }
        if s.client.crl.isSet {
            if s.server.chain.issuedByIntermediate && !s.client.crl.coversAllCAs { return .crlMissing }
            if s.server.chain == .revoked { return .revoked }
        }
        if s.server.chain == .forgedRoot { return .signatureFailure }
        if s.server.chain == .expired { return .expired }
        if s.server.chain == .notYetValid { return .notYetValid }
        return nil
    }

    /// X509_verify_cert of the client chain against ssl_ca_file (+ ssl_crl_file/dir with CRL_CHECK_ALL).
    func clientChainFailure() -> ChainFailure? {
        if let facts = s.facts { return facts.clientChainFailure }
        let cert = s.client.certificate
        let ca = s.server.tls.caFile
        if cert == .untrustedCA { return .unknownIssuer("client issuer not in ssl_ca_file") }
        if cert == .intermediateLeafOnly, ca != .rootAndIntermediate {
            return .unknownIssuer("intermediate not sent nor in ssl_ca_file")
        }
        if cert == .noClientAuth { return .invalidPurpose }
        if s.server.tls.crl != .none {
            if cert.issuedByIntermediate { return .crlMissing }
            if cert == .revoked { return .revoked }
        }
        if cert == .expired { return .expired }
        return nil
    }

    /// fe-secure-common.c pq_verify_peer_name_matches_certificate + the OpenSSL guts; nil when the name matches.
    mutating func nameCheckFailure() -> MessageTemplate? {
        let names = s.server.names
        let host = s.facts?.host ?? names.clientHost
        let commonName = s.facts == nil ? names.commonName : s.facts?.serverCommonName
        let subjectAltNames = s.facts?.serverSubjectAltNames ?? names.subjectAltNames
        // fe-secure-common.c is_ip_address: inet_aton (so 192.000.002.001 is an address) or
        // inet_pton(AF_INET6).
        let hostAddress = HostAddress.libpqAddress(host)
        let hostIsIP = hostAddress != nil
        var examined = 0
        var first: String?
        var checkCN = true
        var matched = false
        // libpq 14 looks only at dNSName SANs (any of them suppresses the CN check, and an IP
        // host is compared to them as a name); iPAddress SANs arrived in 15 (fe-secure-openssl.c
        // pgtls_verify_peer_name_matches_certificate_guts, REL_14 vs REL_15).
        let ipSANs = libpq >= 15
        for san in subjectAltNames {
            let value: String
            let isMatch: Bool
            switch san {
            case .dns(let n):
                if !hostIsIP || !ipSANs { checkCN = false }
                value = n
                isMatch = Self.hostNameMatches(n, host)
            case .ip(let a):
                guard ipSANs else { continue }
                if hostIsIP { checkCN = false }
                // openssl_verify_peer_name_matches_certificate_ip: the SAN's bytes against
                // inet_aton / inet_pton of the host, printed back with inet_net_ntop.
                let bytes = HostAddress.bytes(a)
                value = bytes.map(HostAddress.format) ?? a
                isMatch = bytes.map { HostAddress.sameFamilyBytes(host, $0) } ?? false
            }
            examined += 1
            if first == nil { first = value }
            if isMatch { matched = true; checkCN = false; break }
        }
        if checkCN, let cn = commonName {
            examined += 1
            if first == nil { first = cn }
            matched = Self.hostNameMatches(cn, host)
        }
        rule(libpq >= 15 ? .libpq15VerifyFullNames : .libpq14VerifyFullNames)
        if matched { return nil }
        if examined == 0 { return msg(.noHostNameInCertificate) }
        if examined == 1 { return msg(.nameMismatchOne, ["first_name": first!, "host": host]) }
        let others = examined - 1
        return msg(
            others == 1 ? .nameMismatchOthersSingular : .nameMismatchOthersPlural,
            ["first_name": first!, "others": String(others), "host": host])
    }

    /// pq_verify_peer_name_matches_certificate_name + wildcard_certificate_match.
    static func hostNameMatches(_ pattern: String, _ host: String) -> Bool {
        let p = pattern.lowercased(), h = host.lowercased()
        if p == h { return true }
        guard p.hasPrefix("*."), p.count >= 3, p.count <= h.count else { return false }
        let suffix = p.dropFirst()
        guard h.hasSuffix(suffix) else { return false }
        let label = h.dropLast(suffix.count)
        return !label.contains(".")
    }
}
