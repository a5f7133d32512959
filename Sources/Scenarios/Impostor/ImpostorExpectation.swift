import ClusterKit

/// What the model says happens when a client meets the impostor.
///
/// Derived from `Expectation.predict`: the impostor behaves like a real server whose
/// pg_hba line is `host all all all password` (or `scram-sha-256`) and which rejects every
/// password, since it answers FATAL 28P01 after the client's reply. So the model's
/// wrong-password prediction tells which attempts libpq makes (allow/prefer retry after a
/// server error), and which of them reach the password exchange. One rule is the
/// impostor's own: it offers SCRAM-SHA-256 without -PLUS, which a real PostgreSQL server
/// with SSL never does.
public struct ImpostorExpectation: Sendable, Hashable, Codable {
    public struct Attempt: Sendable, Hashable, Codable {
        public var encrypted: Bool
        public var stage: ImpostorCapture.Stage
        /// libpq's text for this attempt, with the impostor's FATAL in place of the server's.
        public var libpqMessage: MessageTemplate
    }

    public var attempts: [Attempt]
    public var rules: [String]

    /// Attempts in which the client answers the authentication request.
    public var answers: Int { attempts.filter { $0.stage == .answered }.count }
    /// PQerrorMessage: the attempts' texts joined (libpq 14+).
    public var libpqErrorMessage: MessageTemplate { MessageTemplate(attempts.map(\.libpqMessage.text).joined()) }

    public static func predict(
        _ c: ImpostorCase, user: String, versions: Versions = .standard
    )
        -> ImpostorExpectation
    {
        let method: HBAMethod = c.request == .cleartextPassword ? .password : .scramSHA256
        let scenario = Scenario(
            server: ServerSide(chain: c.variant.chain, names: c.variant.names, hba: [HBAEntry(.host, method: method)]),
            client: ClientSide(
                sslMode: c.sslMode, channelBinding: c.channelBinding,
                trust: c.hasRootCert ? .root : .missingFile, password: .wrong),
            user: user, storedPassword: .scram)
        let e = Expectation.predict(scenario, versions: versions)
        var rules = ["the impostor answers FATAL 28P01 after any password: the model's wrong-password case"] + e.rules
        let authFailed = MessageCatalogue.text(.passwordAuthFailed, versions).replacingOccurrences(
            of: "{user}", with: user)
        let impostorLine = MessageCatalogue.template(.serverErrorLine, versions)
            .filling(["severity": "FATAL", "message": ImpostorServer.defaultErrorMessage]).text
        let serverLine = MessageCatalogue.template(.serverErrorLine, versions)
            .filling(["severity": "FATAL", "message": authFailed]).text
        var attempts: [Attempt] = []
        for a in e.attempts {
            let text = a.libpqMessage.text
            if text.hasSuffix(serverLine) {
                if a.ssl, c.request == .scramWithoutChannelBinding, c.channelBinding == .require {
                    rules.append(
                        "the impostor offers SCRAM-SHA-256 without -PLUS: channel_binding=require stops before any SCRAM message, and that client-side failure ends the connection attempts (fe-auth.c pg_SASL_init)"
                    )
                    let prefix = String(text.dropLast(serverLine.count))
                    attempts.append(
                        Attempt(
                            encrypted: true, stage: .refusedAuthentication,
                            libpqMessage: MessageTemplate(prefix)
                                + MessageCatalogue.template(.channelBindingNoPlusOffered, versions)))
                    break
                }
                attempts.append(
                    Attempt(
                        encrypted: a.ssl, stage: .answered,
                        libpqMessage: MessageTemplate(String(text.dropLast(serverLine.count)) + impostorLine)))
            } else {
                attempts.append(
                    Attempt(
                        encrypted: a.ssl, stage: stage(ofFailure: text, ssl: a.ssl, versions: versions),
                        libpqMessage: a.libpqMessage))
            }
        }
        return ImpostorExpectation(attempts: attempts, rules: rules)
    }

    /// Where a client-side failure leaves the impostor: the message says at which step libpq stopped.
    static func stage(ofFailure text: String, ssl: Bool, versions: Versions) -> ImpostorCapture.Stage {
        func has(_ key: MessageKey) -> Bool {
            let t = MessageCatalogue.text(key, versions)
            let head = t.components(separatedBy: "{").first ?? t
            return text.contains(head)
        }
        if has(.channelBindingAuthRequestUnsupported) || has(.channelBindingNoSSL) || has(.channelBindingNoPlusOffered)
            || has(.noPasswordSupplied)
        {
            return .refusedAuthentication
        }
        if has(.nameMismatchOne) || has(.nameMismatchOthersSingular) || has(.noHostNameInCertificate) {
            return .closedAfterHandshake
        }
        if ssl { return .tlsRefused }
        return .other
    }
}
