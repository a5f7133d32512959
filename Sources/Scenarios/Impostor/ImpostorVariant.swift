/// Which certificate the impostor presents.
public enum ImpostorVariant: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// A: right host name, issued by a CA the client does not trust.
    case untrustedCA = "A"
    /// B: issued by the client's trusted root CA, but for another host name.
    case wrongHost = "B"

    public var description: String { rawValue }

    public var label: String {
        switch self {
        case .untrustedCA: "A: untrusted CA, right host name"
        case .wrongHost: "B: trusted CA, host \(ServerNames.mismatch.commonName ?? "?")"
        }
    }

    /// The model's names for the certificate.
    public var chain: ServerChain { self == .untrustedCA ? .unrelatedCA : .rootSigned }
    public var names: ServerNames { self == .untrustedCA ? .standard : .mismatch }
    public var certificate: String { self == .untrustedCA ? ImpostorPKI.untrusted : ImpostorPKI.wrongHost }
}
