import ClusterKit

/// How an attempt ended, and whether libpq's fallback logic may retry after it.
enum AttemptEnd {
    /// `log`: the server lines of the accepted attempt after "connection received".
    case accepted(channelBound: Bool, method: String?, identity: String?, log: [MessageTemplate])
    /// `log`: the server lines after "connection received"; `sqlstate` of the server's
    /// ErrorResponse when the server ended the attempt.
    case failed(body: MessageTemplate, log: [MessageTemplate], kind: FailureKind, sqlstate: String? = nil)
}

/// fe-connect.c PQconnectPoll: which failures lead to `need_new_connection`.
enum FailureKind {
    /// pqsecure_open_client returned PGRES_POLLING_FAILED (client SSL setup or handshake): prefer retries.
    case sslSetup
    /// The server sent an ErrorResponse ('E'): allow retries with SSL, prefer retries without.
    case serverError
    /// Client-side error after the handshake (auth, channel binding, post-handshake alert): no retry.
    case client
}

extension Expectation {
    /// Predict the outcome of `scenario` for the software in play, from the documented rules
    /// and the source: every server rule and message by `versions.server`, every libpq one
    /// by `versions.libpq`, OpenSSL strings by the OpenSSL of the side that prints them.
    public static func predict(_ scenario: Scenario, versions: Versions = .standard) -> Expectation {
        var p = Predictor(s: scenario, versions: versions)
        return p.run()
    }
}

/// The model. Pure: no I/O. Each step appends the rule it applied.
struct Predictor {
    let s: Scenario
    let versions: Versions
    /// The rules applied so far, in order.
    var applied: [AppliedRule] = []
    /// The TLS version the last SSL attempt negotiated (set by `sslAttempt`).
    var negotiated: TLSVersion?

    init(s: Scenario, versions: Versions) {
        self.s = s
        self.versions = versions
    }

    /// The server's major: chooses server behaviour (hba parsing, auth, logging).
    var server: Int { versions.server }
    /// The client's libpq major: chooses libpq behaviour (sslmode logic, checks, retries).
    var libpq: Int { versions.libpq }

    /// A message in the wording of the side that prints it; an OpenSSL string in the wording
    /// of `peer`'s OpenSSL (the client's inside libpq text, the server's in its log).
    func msg(_ key: MessageKey, _ values: [String: String] = [:], printedBy peer: Peer = .client) -> MessageTemplate {
        MessageCatalogue.template(key, versions, printedBy: peer).filling(values)
    }

    mutating func rule(_ r: ModelRule, _ values: [String: String] = [:]) {
        applied.append(AppliedRule(r, values: values))
    }

    var prefix: MessageTemplate {
        if s.client.transport == .unixSocket { return msg(.prefixSocket) }
        if let name = s.facts?.resolvedHostName {
            return msg(.prefixTCPWithAddress, ["display_host": name, "host_addr": "127.0.0.1"])
        }
        return msg(.prefixTCP, ["display_host": "127.0.0.1"])
    }

    mutating func run() -> Expectation {
        if let log = serverStartFailure() {
            return Expectation(outcome: .serverFailsToStart(log: log), appliedRules: applied, versions: versions)
        }
        if let e = clientOptionFailure() { return e }
        if libpq >= 13, s.client.effectiveMin > s.client.effectiveMax {
            rule(.libpqOptionProtocolRange)
            // No socket is opened: the server logs nothing.
            let a = ExpectedAttempt(ssl: false, libpqMessage: msg(.invalidProtocolRange))
            return Expectation(outcome: .rejected(attempts: [a]), appliedRules: applied, versions: versions)
        }
        var attempts: [ExpectedAttempt] = []
        func finish(_ end: AttemptEnd, ssl: Bool) -> Expectation? {
            switch end {
            case .accepted(let bound, let method, let identity, let log):
                let session = expectedSession(
                    ssl: ssl, channelBound: bound, method: method, identity: identity, log: [received] + log)
                return Expectation(
                    outcome: .accepted(encrypted: ssl, user: s.user), failedAttemptsBeforeSuccess: attempts,
                    session: session, appliedRules: applied, versions: versions)
            case .failed(let body, let log, _, let sqlstate):
                attempts.append(
                    ExpectedAttempt(
                        ssl: ssl, libpqMessage: prefix + body, serverLog: [received] + log, sqlstate: sqlstate))
                return nil
            }
        }
        func kind(_ end: AttemptEnd) -> FailureKind? {
            if case .failed(_, _, let k, _) = end { return k }
            return nil
        }

        if s.client.transport == .unixSocket {
            rule(.libpqSslmodeUnixSocket)
            let end = plainAttempt()
            if let e = finish(end, ssl: false) { return e }
            return rejected(attempts)
        }

        switch s.client.sslMode {
        case .disable:
            rule(.libpqSslmodeDisable)
            let end = plainAttempt()
            if let e = finish(end, ssl: false) { return e }
        case .allow:
            rule(.libpqSslmodeAllow)
            let first = plainAttempt()
            if let e = finish(first, ssl: false) { return e }
            guard kind(first) == .serverError else {
                rule(.libpqSslmodeAllowNoRetryAfterClientFailure)
                break
            }
            if !s.server.tls.ssl, libpq >= 17 {
                rule(.libpq17SslmodeAllowRetrySslOnly)
                attempts.append(
                    ExpectedAttempt(
                        ssl: false, libpqMessage: prefix + msg(.sslRequiredButRefused), serverLog: [received]))
            } else if !s.server.tls.ssl {
                rule(.libpq14SslmodeAllowRetryContinuesPlain)
                let second = plainAttempt()
                if let e = finish(second, ssl: false) { return e }
            } else {
                let second = sslAttempt()
                if let e = finish(second, ssl: true) { return e }
            }
        case .prefer:
            rule(.libpqSslmodePrefer)
            if !s.server.tls.ssl {
                rule(.serverSslOffPreferContinuesPlain)
                let end = plainAttempt()
                if let e = finish(end, ssl: false) { return e }
                break
            }
            let first = sslAttempt()
            if let e = finish(first, ssl: true) { return e }
            if let k = kind(first), k == .sslSetup || k == .serverError {
                let second = plainAttempt()
                if let e = finish(second, ssl: false) { return e }
            } else {
                rule(.libpqSslmodePreferNoRetryAfterClientFailure)
            }
        case .require, .verifyCA, .verifyFull:
            rule(.libpqSslmodeSslOnly, ["sslmode": s.client.sslMode.rawValue])
            if !s.server.tls.ssl {
                rule(.serverSslOffRefusesSsl)
                attempts.append(
                    ExpectedAttempt(
                        ssl: false, libpqMessage: prefix + msg(.sslRequiredButRefused), serverLog: [received]))
                break
            }
            let end = sslAttempt()
            if let e = finish(end, ssl: true) { return e }
        }
        return rejected(attempts)
    }

    func rejected(_ attempts: [ExpectedAttempt]) -> Expectation {
        Expectation(outcome: .rejected(attempts: attempts), appliedRules: applied, versions: versions)
    }

    /// A FATAL the server sends to the client (and logs), with its SQLSTATE and the
    /// DETAIL lines it logs (errdetail_log: not sent to the client).
    func serverFatal(
        _ message: MessageTemplate, sqlstate: String, extraLog: [MessageTemplate] = [], detail: String? = nil
    ) -> AttemptEnd {
        let line = msg(.serverErrorLine, ["severity": "FATAL"]).filling(["message": message.text])
        var log = extraLog + [MessageTemplate("FATAL:  " + message.text)]
        if let detail { log.append(MessageTemplate("DETAIL:  " + detail)) }
        return .failed(body: line, log: log, kind: .serverError, sqlstate: sqlstate)
    }

    /// auth.c auth_failed: the method's FATAL (28P01 for password methods, else 28000) with
    /// DETAIL "Connection matched pg_hba.conf line N" after the method's own log detail.
    func authFailed(
        _ message: MessageTemplate, rule r: HBAEntry, method: HBAMethod, logDetail: String? = nil,
        extraLog: [MessageTemplate] = []
    ) -> AttemptEnd {
        let matched = msg(.hbaMatchedLineDetail, ["line": String(hbaLineNumber(r)), "raw_line": r.clusterRule.line])
            .text
        let sqlstate = [.password, .md5, .scramSHA256].contains(method) ? "28P01" : "28000"
        return serverFatal(
            message, sqlstate: sqlstate, extraLog: extraLog, detail: logDetail.map { $0 + "\n\t" + matched } ?? matched)
    }

    /// The pg_hba.conf line number of `r` as the server counts it.
    func hbaLineNumber(_ r: HBAEntry) -> Int {
        (s.server.hba.firstIndex(of: r) ?? 0) + HBAFile.firstRuleLine
    }

    /// The line every attempt that reaches the server starts with (log_connections).
    var received: MessageTemplate {
        if s.client.transport == .unixSocket { return "LOG:  " + msg(.connectionReceivedLocal, ["host": "[local]"]) }
        return "LOG:  " + msg(.connectionReceived, ["host": "127.0.0.1"])
    }

    /// The session fields of an accepted attempt: protocol, cipher (OpenSSL 3 defaults on both
    /// sides: TLS 1.3 picks TLS_AES_256_GCM_SHA384 first; TLS 1.2 with the matrix's EC P-256
    /// server key picks ECDHE-ECDSA-AES256-GCM-SHA384, which both ssl_ciphers lists keep first),
    /// and the "connection authorized" line that closes its log.
    func expectedSession(
        ssl: Bool, channelBound: Bool, method: String?, identity: String?, log: [MessageTemplate]
    ) -> ExpectedSession {
        let version = ssl ? negotiated : nil
        return ExpectedSession(
            protocol: version?.rawValue, cipher: cipher(version), channelBinding: channelBound, method: method,
            identity: identity, serverLog: log + [authorizedLine(ssl: ssl)])
    }

    /// "connection authorized: ..." (postinit.c PerformAuthentication): written once the server
    /// has finished authentication, before the client has read AuthenticationOk.
    func authorizedLine(ssl: Bool) -> MessageTemplate {
        let version = ssl ? negotiated : nil
        let values = ["user": s.user, "db": s.database]
        guard let version else { return "LOG:  " + msg(.connectionAuthorized, values) }
        return "LOG:  "
            + msg(
                .connectionAuthorizedSSL,
                values.merging(["protocol": version.rawValue, "cipher": cipher(version) ?? "{cipher}", "bits": "256"]) {
                    a, _ in a
                })
    }

    func cipher(_ version: TLSVersion?) -> String? {
        switch version {
        case .tls13?: "TLS_AES_256_GCM_SHA384"
        case .tls12?: s.facts?.serverKeyIsRSA == true ? "ECDHE-RSA-AES256-GCM-SHA384" : "ECDHE-ECDSA-AES256-GCM-SHA384"
        default: nil
        }
    }

    mutating func plainAttempt() -> AttemptEnd {
        serverAuthentication(ssl: false, peerCertValid: false)
    }
}
