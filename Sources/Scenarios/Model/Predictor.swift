/// How an attempt ended, and whether libpq's fallback logic may retry after it.
enum AttemptEnd {
    case accepted(channelBound: Bool)
    case failed(body: MessageTemplate, log: [MessageTemplate], kind: FailureKind)
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
    var rules: [String] = []

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

    mutating func rule(_ text: String) { rules.append(text) }

    var prefix: MessageTemplate {
        if s.client.transport == .unixSocket { return msg(.prefixSocket) }
        return msg(.prefixTCP, ["display_host": "127.0.0.1"])
    }

    mutating func run() -> Expectation {
        if let log = serverStartFailure() {
            return Expectation(outcome: .serverFailsToStart(log: log), rules: rules, versions: versions)
        }
        if let e = clientOptionFailure() { return e }
        if libpq >= 13, s.client.effectiveMin > s.client.effectiveMax {
            rule(
                "libpq checks ssl_min_protocol_version <= ssl_max_protocol_version before connecting, for every sslmode (fe-connect.c connectOptions2 sslVerifyProtocolRange)"
            )
            let a = ExpectedAttempt(ssl: false, libpqMessage: msg(.invalidProtocolRange))
            return Expectation(outcome: .rejected(attempts: [a]), rules: rules, versions: versions)
        }
        var attempts: [ExpectedAttempt] = []
        func finish(_ end: AttemptEnd, ssl: Bool) -> Expectation? {
            switch end {
            case .accepted:
                return Expectation(
                    outcome: .accepted(encrypted: ssl, user: s.user), failedAttemptsBeforeSuccess: attempts,
                    rules: rules, versions: versions)
            case .failed(let body, let log, _):
                attempts.append(ExpectedAttempt(ssl: ssl, libpqMessage: prefix + body, serverLog: log))
                return nil
            }
        }
        func kind(_ end: AttemptEnd) -> FailureKind? {
            if case .failed(_, _, let k) = end { return k }
            return nil
        }

        if s.client.transport == .unixSocket {
            rule(
                "libpq never requests SSL over a Unix socket, whatever sslmode says (fe-connect.c CONNECTION_MADE: IS_AF_UNIX -> allow_ssl_try = false)"
            )
            let end = plainAttempt()
            if let e = finish(end, ssl: false) { return e }
            return rejected(attempts)
        }

        switch s.client.sslMode {
        case .disable:
            rule("libpq sslmode=disable: only a non-SSL attempt (libpq docs 34.19.1, fe-connect.c)")
            let end = plainAttempt()
            if let e = finish(end, ssl: false) { return e }
        case .allow:
            rule(
                "libpq sslmode=allow: non-SSL first; retry with SSL only if the server answers the first attempt with an error (fe-connect.c CONNECTION_AWAITING_RESPONSE, wait_ssl_try)"
            )
            let first = plainAttempt()
            if let e = finish(first, ssl: false) { return e }
            guard kind(first) == .serverError else {
                rule(
                    "allow does not retry after a client-side failure (fe_sendauth / channel binding go to error_return)"
                )
                break
            }
            if !s.server.tls.ssl, libpq >= 17 {
                rule(
                    "libpq 17+: the retry is an SSL-only connection (allowed_enc_methods / select_next_encryption_method); ssl=off answers 'N' to its SSLRequest and libpq gives up before a startup packet, so only the first attempt reaches authentication (fe-connect.c PQconnectPoll CONNECTION_SSL_STARTUP, REL_17_STABLE)"
                )
                attempts.append(ExpectedAttempt(ssl: false, libpqMessage: prefix + msg(.sslRequiredButRefused)))
            } else if !s.server.tls.ssl {
                rule(
                    "libpq 14-16: the retry sends SSLRequest; ssl=off answers 'N' and allow continues without SSL on that connection, so the server authenticates a second time (fe-connect.c PQconnectPoll CONNECTION_SSL_STARTUP)"
                )
                let second = plainAttempt()
                if let e = finish(second, ssl: false) { return e }
            } else {
                let second = sslAttempt()
                if let e = finish(second, ssl: true) { return e }
            }
        case .prefer:
            rule(
                "libpq sslmode=prefer: SSL first; on an SSL setup/handshake failure or a server error, one retry without SSL (libpq docs 34.19.1, fe-connect.c)"
            )
            if !s.server.tls.ssl {
                rule(
                    "ssl=off: the server answers 'N' to SSLRequest; prefer continues without SSL on the same connection (CONNECTION_SSL_STARTUP)"
                )
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
                rule("prefer does not retry after a client-side failure once TLS is up (error_return)")
            }
        case .require, .verifyCA, .verifyFull:
            rule("libpq sslmode=\(s.client.sslMode): SSL only, never falls back (libpq docs 34.19.1)")
            if !s.server.tls.ssl {
                rule("ssl=off: the server answers 'N' to SSLRequest (fe-connect.c CONNECTION_SSL_STARTUP)")
                attempts.append(ExpectedAttempt(ssl: false, libpqMessage: prefix + msg(.sslRequiredButRefused)))
                break
            }
            let end = sslAttempt()
            if let e = finish(end, ssl: true) { return e }
        }
        return rejected(attempts)
    }

    func rejected(_ attempts: [ExpectedAttempt]) -> Expectation {
        Expectation(outcome: .rejected(attempts: attempts), rules: rules, versions: versions)
    }

    /// A FATAL the server sends to the client (and logs).
    func serverFatal(_ message: MessageTemplate, extraLog: [MessageTemplate] = []) -> AttemptEnd {
        let line = msg(.serverErrorLine, ["severity": "FATAL"]).filling(["message": message.text])
        return .failed(body: line, log: extraLog + [MessageTemplate("FATAL:  " + message.text)], kind: .serverError)
    }

    mutating func plainAttempt() -> AttemptEnd {
        serverAuthentication(ssl: false, peerCertValid: false)
    }
}
