/// Which product of the built-in matrix a case comes from, so a report can draw each part
/// with the dimensions that vary in it (a case id alone does not say which ones do).
public enum MatrixSection: String, Sendable, CaseIterable, Codable {
    /// sslmode x pg_hba type x method x server chain x client trust.
    case chains
    /// The same with `hostnossl all all all reject` first.
    case hardened
    /// Client certificate variants x hostssl methods x clientcert / map options.
    case clientCertificates = "client-certificates"
    /// Server host-name variants, and client CRL options on every chain.
    case namesAndCRLs = "names-and-crls"
    /// channel_binding x password sent x password stored x method.
    case passwords
    /// Server TLS settings x client protocol range, invalid pg_hba lines, Unix socket.
    case settings

    public var title: String {
        switch self {
        case .chains: "sslmode x pg_hba x client trust, per server chain"
        case .hardened: "the same with `hostnossl all all all reject` first"
        case .clientCertificates: "client certificates x hostssl methods and options, per server CA/CRL setting"
        case .namesAndCRLs: "server host names, and client CRLs per server chain"
        case .passwords: "passwords: channel_binding x password sent x stored, per sslmode"
        case .settings: "server TLS settings x client protocol range"
        }
    }

    /// Case id -> section, for every case of the built-in matrix (a case in two products
    /// belongs to the first, as in `MatrixDefinition.scenarios`).
    public static let byCaseID: [String: MatrixSection] = {
        var map: [String: MatrixSection] = [:]
        let products: [(MatrixSection, [Scenario])] = [
            (.chains, MatrixDefinition.chainProduct), (.clientCertificates, MatrixDefinition.clientCertProduct),
            (.namesAndCRLs, MatrixDefinition.namesAndCRLProduct), (.passwords, MatrixDefinition.passwordProduct),
            (.settings, MatrixDefinition.settingsProduct),
        ]
        for (section, scenarios) in products {
            for s in scenarios where map[s.id] == nil {
                map[s.id] = section == .chains && s.server.hba.first == .rejectNonSSL ? .hardened : section
            }
        }
        return map
    }()
}
