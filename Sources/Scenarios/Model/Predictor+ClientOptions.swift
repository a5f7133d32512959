/// The client keywords of newer libpq releases: each is predicted only for a libpq that
/// knows it; an older libpq refuses the keyword itself before connecting.
extension Predictor {
    /// libpq's checks of its options before any connection (fe-connect.c conninfo_array_parse,
    /// then connectOptions2); nil when the options pass.
    mutating func clientOptionFailure() -> Expectation? {
        let newer = s.client.newer
        if let unknown = newer.keywords.first(where: { libpq < $0.since }) {
            rule(
                "libpq \(libpq) does not know '\(unknown.keyword)' (added in \(unknown.since)): PQconnectdbParams refuses it before connecting (fe-connect.c conninfo_array_parse)"
            )
            return optionError(msg(.invalidConnectionOption, ["option": unknown.keyword]))
        }
        let mode = s.client.sslMode
        if newer.negotiation == .direct, !mode.requiresSSL {
            rule(
                "sslnegotiation=direct needs sslmode require or stronger (fe-connect.c connectOptions2, 17+)")
            return optionError(msg(.weakSSLModeDirect, ["sslmode": mode.rawValue]))
        }
        if newer.systemRoots, libpq >= 16, mode != .verifyFull {
            rule(
                "sslrootcert=system only with sslmode=verify-full (fe-connect.c connectOptions2, 16+; libpq docs 34.19.1)"
            )
            return optionError(msg(.weakSSLModeSystemRoots, ["sslmode": mode.rawValue]))
        }
        return nil
    }

    func optionError(_ text: MessageTemplate) -> Expectation {
        Expectation(
            outcome: .rejected(attempts: [ExpectedAttempt(ssl: false, libpqMessage: text)]), rules: rules,
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
            rule(
                "require_auth=\(required): the server accepted without an authentication exchange, so libpq refuses (fe-auth.c check_expected_areq, 16+)"
            )
            return .failed(
                body: msg(
                    .requireAuthFailed,
                    ["method": required, "reason": msg(.serverDidNotCompleteAuthentication).text]),
                log: serverLog, kind: .client)
        }
        if newer.certMode == .require, s.server.tls.caFile == .none {
            rule(
                "sslcertmode=require and the server sent no CertificateRequest (no ssl_ca_file): when the server accepts, libpq refuses (fe-auth.c check_expected_areq, 16+)"
            )
            return .failed(body: msg(.certificateNotRequested), log: serverLog, kind: .client)
        }
        if newer.certMode == .require, !certificateSent {
            rule(
                "sslcertmode=require: the server asked for a certificate but none was sent, and it accepted anyway (fe-auth.c check_expected_areq, 16+)"
            )
            return .failed(body: msg(.certificateNotSent), log: serverLog, kind: .client)
        }
        return nil
    }
}
