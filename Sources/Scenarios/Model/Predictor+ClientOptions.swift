/// The client keywords of newer libpq releases: each is predicted only for a libpq that
/// knows it; an older libpq refuses the keyword itself before connecting.
extension Predictor {
    /// libpq's checks of its options before any connection (fe-connect.c conninfo_array_parse,
    /// then connectOptions2); nil when the options pass.
    mutating func clientOptionFailure() -> Expectation? {
        let newer = s.client.newer
        if let unknown = newer.keywords.first(where: { libpq < $0.since }) {
            rule(
                .libpqOptionUnknownKeyword,
                ["libpq": String(libpq), "keyword": unknown.keyword, "since": String(unknown.since)])
            return optionError(msg(.invalidConnectionOption, ["option": unknown.keyword]))
        }
        let invalid = s.facts?.invalidClientOptions ?? [:]
        for keyword in ["channel_binding", "sslmode", "ssl_min_protocol_version", "ssl_max_protocol_version"] {
            guard let value = invalid[keyword] else { continue }
            rule(.libpqOptionInvalidValue, ["keyword": keyword, "value": value])
            let key: MessageKey = keyword.hasPrefix("ssl_") ? .invalidProtocolOptionValue : .invalidOptionValue
            return optionError(msg(key, ["option": keyword, "value": value]))
        }
        let mode = s.client.sslMode
        if newer.negotiation == .direct, !mode.requiresSSL {
            rule(.libpqOptionDirectNeedsRequire)
            return optionError(msg(.weakSSLModeDirect, ["sslmode": mode.rawValue]))
        }
        if newer.systemRoots, libpq >= 16, mode != .verifyFull {
            rule(.libpqOptionSystemRootsNeedVerifyFull)
            return optionError(msg(.weakSSLModeSystemRoots, ["sslmode": mode.rawValue]))
        }
        return nil
    }

    func optionError(_ text: MessageTemplate) -> Expectation {
        Expectation(
            outcome: .rejected(attempts: [ExpectedAttempt(ssl: false, libpqMessage: text)]), appliedRules: applied,
            versions: versions)
    }

    /// Whether libpq offers its client certificate when the server asks (sslcertmode=disable: never).
    var certificateOffered: Bool { !(libpq >= 16 && s.client.newer.certMode == .disable) }

    /// Client checks after the server accepted the authentication (fe-auth.c check_expected_areq
    /// AUTH_REQ_OK), for the newer keywords; nil when they pass. The server has finished
    /// authentication by then, so `serverLog` (what it logged, "connection authorized" last) stands.
    mutating func newerAuthenticationFailure(
        certificateSent: Bool, methodRan: Bool, serverLog: [MessageTemplate]
    )
        -> AttemptEnd?
    {
        let newer = s.client.newer
        guard libpq >= 16 else { return nil }
        if let required = newer.requireAuth, !methodRan {
            rule(.libpqRequireAuthNoExchange, ["required": required])
            return .failed(
                body: msg(
                    .requireAuthFailed,
                    ["method": required, "reason": msg(.serverDidNotCompleteAuthentication).text]),
                log: serverLog, kind: .client)
        }
        if newer.certMode == .require, s.server.tls.caFile == .none {
            rule(.libpqSslcertmodeRequireNotRequested)
            return .failed(body: msg(.certificateNotRequested), log: serverLog, kind: .client)
        }
        if newer.certMode == .require, !certificateSent {
            rule(.libpqSslcertmodeRequireNotSent)
            return .failed(body: msg(.certificateNotSent), log: serverLog, kind: .client)
        }
        return nil
    }
}
