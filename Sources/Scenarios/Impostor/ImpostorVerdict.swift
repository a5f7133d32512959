/// The closing table, one row per sslmode: derived from what was observed, then checked
/// against the model's properties of the mode.
public struct ImpostorVerdict: Sendable, Hashable, Codable {
    public var sslMode: SSLMode
    /// Observed: in the article's runs the session was encrypted (ssl = t), or for verify-*
    /// (which refuse without a root certificate) every TLS attempt to the impostor was encrypted.
    public var alwaysEncrypts: Bool
    /// Observed: some connection went out in cleartext (to the impostor).
    public var sentCleartext: Bool
    /// Observed: the client stopped at impostor A (untrusted CA), with the real root CA at hand.
    public var stopsUntrustedCA: Bool
    /// Observed: the client stopped at impostor B (trusted CA, wrong host name).
    public var stopsWrongHost: Bool
    /// Observed: with a root certificate at hand, some impostor received the password.
    public var leaksPassword: Bool
    /// Observed: without any root certificate (the article's client), the impostor received the password.
    public var leaksPasswordWithoutRootCert: Bool?
    /// Model: `SSLMode.requiresSSL` and `SSLMode.verifiesServer`.
    public var modelRequiresSSL: Bool
    public var modelVerifiesServer: Bool
    public var disagreements: [String]

    public static func derive(article: [ArticleRow], impostor: [ImpostorRow]) -> [ImpostorVerdict] {
        SSLMode.allCases.map { mode in
            let rows = impostor.filter {
                $0.case.sslMode == mode && $0.case.channelBinding == .prefer && $0.case.request == .cleartextPassword
            }
            let withRoot = rows.filter(\.case.hasRootCert)
            let withoutRoot = rows.filter { !$0.case.hasRootCert }
            let captures = rows.flatMap(\.captures)
            let sentCleartext = captures.contains { !$0.sslRequested && !$0.startupParameters.isEmpty }
            func stops(_ v: ImpostorVariant) -> Bool {
                withRoot.filter { $0.case.variant == v }.allSatisfy { !$0.answeredImpostor }
            }
            let articleRow = article.first { $0.sslMode == mode }
            let alwaysEncrypts =
                !sentCleartext && (articleRow?.observed.connected == false || articleRow?.observed.encrypted == true)
            var v = ImpostorVerdict(
                sslMode: mode, alwaysEncrypts: alwaysEncrypts, sentCleartext: sentCleartext,
                stopsUntrustedCA: stops(.untrustedCA), stopsWrongHost: stops(.wrongHost),
                leaksPassword: withRoot.contains { !$0.capturedPasswords.isEmpty },
                leaksPasswordWithoutRootCert: withoutRoot.isEmpty
                    ? nil : withoutRoot.contains { !$0.capturedPasswords.isEmpty },
                modelRequiresSSL: mode.requiresSSL, modelVerifiesServer: mode.verifiesServer, disagreements: [])
            // Cross-checks with the model's properties.
            if v.alwaysEncrypts != mode.requiresSSL {
                v.disagreements.append(
                    "observed \(v.alwaysEncrypts ? "always" : "not always") encrypted; model requiresSSL = \(mode.requiresSSL)"
                )
            }
            if mode != .require, v.stopsUntrustedCA != mode.verifiesServer {
                v.disagreements.append(
                    "observed impostor A \(v.stopsUntrustedCA ? "stopped" : "not stopped"); model verifiesServer = \(mode.verifiesServer)"
                )
            }
            if v.stopsWrongHost != (mode == .verifyFull) {
                v.disagreements.append(
                    "observed impostor B \(v.stopsWrongHost ? "stopped" : "not stopped"); only verify-full checks the host name"
                )
            }
            return v
        }
    }
}
