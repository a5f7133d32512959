import ClusterKit
import Foundation

extension Predictor {
    /// Configuration errors that stop the postmaster (PostmasterMain: SSL init, then load_hba).
    mutating func serverStartFailure() -> [MessageTemplate]? {
        let tls = s.server.tls
        if tls.ssl, server >= 13, tls.effectiveMin > tls.effectiveMax {
            rule(.serverStartProtocolRange)
            return ["FATAL:  " + msg(.protocolRangeServer), "DETAIL:  " + msg(.protocolRangeServerDetail)]
        }
        if tls.ssl, s.facts?.serverKeyAccessRefused == true {
            rule(.serverStartKeyPermissions)
            return [
                "FATAL:  " + msg(.serverKeyGroupWorldAccess, printedBy: .server),
                "DETAIL:  " + msg(.serverKeyPermissionDetail, printedBy: .server),
            ]
        }
        if tls.ssl, tls.passphrase == .commandWrong {
            rule(.serverStartWrongPassphrase)
            return [
                "FATAL:  "
                    + msg(
                        .serverKeyLoadFailed,
                        ["detail": MessageCatalogue.wrongPassphraseDetail(versions, printedBy: .server)])
            ]
        }
        var log: [MessageTemplate] = []
        for (i, r) in s.server.hba.enumerated() {
            // The CONTEXT line only for a line that fails to parse: a group's file has one hba
            // line per role, and filling it for every line of every case was most of a prediction.
            if let err = parseError(r) {
                let context = "CONTEXT:  " + msg(.hbaLineContext, ["line": String(i + HBAFile.firstRuleLine)])
                log += ["LOG:  " + err, context]
            } else if r.type == .hostssl, !tls.ssl {
                rule(.serverHbaHostsslWithSslOff)
            }
        }
        if !log.isEmpty {
            rule(.serverHbaInvalidLine)
            return log + ["FATAL:  " + msg(.couldNotLoadHBA)]
        }
        return nil
    }

    /// The message parse_hba_line logs for an invalid line, in the order the parser checks.
    func parseError(_ r: HBAEntry) -> MessageTemplate? {
        if r.method == .cert, r.type != .hostssl { return msg(.certOnlyHostssl) }
        if let cc = r.clientCert {
            if r.type != .hostssl { return msg(.clientcertOnlyHostssl) }
            if cc == .verifyCA, r.method == .cert, server >= 14 { return msg(.clientcertVerifyCAWithCert) }
            if cc == .legacyOne, server >= 14 { return msg(.clientcertInvalidValue, ["value": "1"]) }
        }
        if r.clientName != nil, r.type != .hostssl, server >= 14 { return msg(.clientnameOnlyHostssl) }
        if r.map != nil, r.method != .cert {
            return msg(.authOptionOnlyFor, ["option": "map", "methods": msg(.mapOptionMethods).text])
        }
        return nil
    }

    func ruleMatches(_ r: HBAEntry, ssl: Bool) -> Bool {
        let typeOK: Bool
        switch (r.type, s.client.transport) {
        case (.local, .unixSocket): typeOK = true
        case (.local, .tcp), (_, .unixSocket): typeOK = false
        case (.host, .tcp): typeOK = true
        case (.hostssl, .tcp): typeOK = ssl
        case (.hostnossl, .tcp): typeOK = !ssl
        }
        return typeOK && r.matches(user: s.user, database: s.database) && r.matchesClientAddress
    }

    /// Server side after the startup packet: hba.c check_hba (first match) and auth.c ClientAuthentication.
    mutating func serverAuthentication(ssl: Bool, peerCertValid: Bool) -> AttemptEnd {
        let enc = msg(ssl ? .encryptionSSL : .encryptionNone).text
        let hostValues = [
            "addr": s.client.transport == .unixSocket ? "[local]" : "127.0.0.1", "user": s.user, "db": s.database,
            "enc": enc,
        ]
        guard let r = s.server.hba.first(where: { ruleMatches($0, ssl: ssl) }) else {
            rule(.serverHbaNoMatch, ["encryption": ssl ? "SSL" : "non-SSL", "transport": s.client.transport.rawValue])
            return serverFatal(msg(.hbaNoEntry, hostValues), sqlstate: "28000")
        }
        rule(.serverHbaFirstMatch, ["line": r.line])
        if r.method == .reject {
            return serverFatal(msg(.hbaRejects, hostValues), sqlstate: "28000")
        }
        var clientCert = r.clientCert
        if clientCert == .legacyOne { clientCert = .verifyCA }
        if r.method == .cert { clientCert = .verifyFull }
        if clientCert != nil {
            if s.server.tls.caFile == .none {
                rule(.serverAuthClientcertWithoutCa)
                return serverFatal(msg(.clientCertNoRootStore), sqlstate: "F0000")
            }
            if !peerCertValid {
                rule(.serverAuthClientcertMissing)
                return serverFatal(msg(.clientCertRequired), sqlstate: "28000")
            }
        }
        let cb = s.client.channelBinding
        var channelBound = false
        var method = r.method
        var log: [MessageTemplate] = []
        var identity: String? = nil
        if method == .md5, s.storedPassword == .scram {
            rule(.serverAuthMd5WithScramSecret)
            method = .scramSHA256
        }
        switch method {
        case .trust, .reject:
            break
        case .cert:
            if let fail = checkCertAuth(r, method: .cert) { return fail }
            identity = clientDN
            log.append(authenticatedLine(identity ?? "", r))
        case .password, .md5:
            if cb == .require {
                rule(.libpqChannelBindingRefusesPasswordRequest, ["kind": method == .password ? "cleartext" : "MD5"])
                return .failed(body: msg(.channelBindingAuthRequestUnsupported), log: [], kind: .client)
            }
            if let fail = passwordOutcome(r, method: method, storedUsable: true) { return fail }
        case .scramSHA256:
            if cb == .require, !ssl {
                rule(.libpqChannelBindingScramWithoutSsl)
                return .failed(body: msg(.channelBindingNoSSL), log: [], kind: .client)
            }
            if s.storedPassword == .md5, s.client.password != .none {
                rule(.serverAuthScramWithMd5Secret)
            }
            if let fail = passwordOutcome(r, method: method, storedUsable: s.storedPassword == .scram) { return fail }
            channelBound = ssl && cb != .disable
            rule(channelBound ? .libpqScramPlus : .libpqScramNoChannelBinding)
        }
        if [.password, .md5, .scramSHA256].contains(method) {
            rule(.serverAuthPasswordIdentity)
            identity = s.user
            log.append(authenticatedLine(s.user, r))
        }
        if clientCert == .verifyFull, r.method != .cert {
            rule(.serverAuthClientcertVerifyFull)
            if let fail = checkCertAuth(r, method: r.method, logged: log) { return fail }
        }
        if identity == nil, server >= 17 {
            rule(.serverAuthTrustLogged)
            log.append(
                "LOG:  "
                    + msg(
                        .connectionAuthenticatedNoIdentity,
                        ["user": s.user, "method": r.method.rawValue, "line": String(hbaLineNumber(r))],
                        printedBy: .server))
        }
        if cb == .require, !channelBound {
            rule(.libpqChannelBindingNotUsed)
            rule(.serverAuthLoggedBeforeClientRefuses)
            return .failed(body: msg(.channelBindingNotUsed), log: log + [authorizedLine(ssl: ssl)], kind: .client)
        }
        if let fail = newerAuthenticationFailure(
            certificateSent: ssl && peerCertValid, methodRan: [.password, .md5, .scramSHA256].contains(method),
            serverLog: log + [authorizedLine(ssl: ssl)])
        {
            return fail
        }
        rule(.serverAuthSucceeds)
        return .accepted(
            channelBound: channelBound, method: identity == nil ? nil : r.method.rawValue, identity: identity, log: log)
    }

    /// "connection authenticated: identity=... method=... (pg_hba.conf:N)" (PG 14+).
    func authenticatedLine(_ identity: String, _ r: HBAEntry) -> MessageTemplate {
        "LOG:  "
            + msg(
                .connectionAuthenticated,
                ["identity": identity, "method": r.method.rawValue, "line": String(hbaLineNumber(r))])
    }

    /// Password exchange outcome; nil when it succeeds.
    mutating func passwordOutcome(_ r: HBAEntry, method: HBAMethod, storedUsable: Bool) -> AttemptEnd? {
        let mismatch = msg(.passwordMismatchDetail, ["user": s.user]).text
        // The method's own log detail: plain/md5 verification says the password does not match;
        // a SCRAM exchange with a wrong proof says nothing; a doomed one (no SCRAM secret) says why.
        let detail: String? =
            method == .scramSHA256
            ? (storedUsable ? nil : msg(.noValidSCRAMSecretDetail, ["user": s.user]).text) : mismatch
        switch s.client.password {
        case .none:
            rule(.libpqAuthNoPassword)
            return .failed(body: msg(.noPasswordSupplied), log: [], kind: .client)
        case .wrong:
            rule(.serverAuthWrongPassword)
            return authFailed(msg(.passwordAuthFailed, ["user": s.user]), rule: r, method: method, logDetail: detail)
        case .right:
            if !storedUsable {
                return authFailed(
                    msg(.passwordAuthFailed, ["user": s.user]), rule: r, method: method, logDetail: detail)
            }
            return nil
        }
    }

    /// auth.c CheckCertAuth + hba.c check_usermap; nil when the certificate name is accepted.
    /// `logged`: lines the method already wrote (its "connection authenticated").
    mutating func checkCertAuth(_ r: HBAEntry, method: HBAMethod, logged: [MessageTemplate] = []) -> AttemptEnd? {
        let useDN = r.clientName == .dn
        let authUser = useDN ? clientDN : clientCN
        var log: [MessageTemplate] = logged
        if method == .cert {
            rule(.serverAuthCertIdentity)
            log.append(authenticatedLine(clientDN ?? "", r))
        }
        let failedMessage: MessageTemplate
        switch method {
        case .cert: failedMessage = msg(.certAuthFailed, ["user": s.user])
        case .trust: failedMessage = msg(.trustAuthFailed, ["user": s.user])
        default: failedMessage = msg(.passwordAuthFailed, ["user": s.user])
        }
        guard let authUser, !authUser.isEmpty else {
            return authFailed(
                failedMessage, rule: r, method: method,
                extraLog: log + ["LOG:  " + msg(.certNoUserName, ["user": s.user])])
        }
        var ok: Bool
        if let map = r.map {
            ok = identMapMatches(map: map, authUser: authUser)
            rule(.serverAuthIdentMap, ["map": map, "auth_user": authUser, "user": s.user])
            if !ok { log.append("LOG:  " + msg(.usermapNoMatch, ["map": map, "user": s.user, "auth_user": authUser])) }
        } else {
            ok = authUser == s.user
            rule(.serverAuthCertName, ["field": useDN ? "DN" : "CN", "auth_user": authUser])
            if !ok { log.append("LOG:  " + msg(.userNameMismatch, ["user": s.user, "auth_user": authUser])) }
        }
        if ok { return nil }
        if method != .cert {
            log.append("LOG:  " + msg(useDN ? .clientCertVerifyFullDN : .clientCertVerifyFullCN, ["user": s.user]))
        }
        rule(.serverAuthFailedMessage)
        return authFailed(failedMessage, rule: r, method: method, extraLog: log)
    }

    /// The client certificate's CN and DN as the server reads them (port->peer_cn, peer_dn).
    var clientCN: String? {
        s.facts == nil ? s.client.certificate.commonName(for: s.user) : s.facts?.clientCommonName
    }
    var clientDN: String? {
        s.facts == nil ? s.client.certificate.distinguishedName(for: s.user) : s.facts?.clientDistinguishedName
    }

    func identMapMatches(map: String, authUser: String) -> Bool {
        for e in s.server.ident where e.map == map {
            if e.systemUser.hasPrefix("/") {
                let pattern = String(e.systemUser.dropFirst())
                guard let re = try? NSRegularExpression(pattern: pattern),
                    let m = re.firstMatch(in: authUser, range: NSRange(authUser.startIndex..., in: authUser))
                else { continue }
                var pg = e.databaseUser
                if m.numberOfRanges > 1, let g = Range(m.range(at: 1), in: authUser) {
                    pg = pg.replacingOccurrences(of: "\\1", with: String(authUser[g]))
                }
                if pg == s.user { return true }
            } else if e.systemUser == authUser, e.databaseUser == s.user {
                return true
            }
        }
        return false
    }
}
