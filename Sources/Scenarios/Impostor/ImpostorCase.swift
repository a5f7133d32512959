import ClusterKit

/// One client configuration pointed at the impostor.
public struct ImpostorCase: Sendable, Hashable, Codable, CustomStringConvertible {
    public var sslMode: SSLMode
    /// sslrootcert = the real root CA; false: a file that does not exist (the article's client).
    public var hasRootCert: Bool
    public var channelBinding: ChannelBinding
    public var variant: ImpostorVariant
    public var request: ImpostorServer.AuthenticationRequest

    public init(
        _ sslMode: SSLMode, rootCert: Bool = true, channelBinding: ChannelBinding = .prefer,
        variant: ImpostorVariant, request: ImpostorServer.AuthenticationRequest = .cleartextPassword
    ) {
        self.sslMode = sslMode
        self.hasRootCert = rootCert
        self.channelBinding = channelBinding
        self.variant = variant
        self.request = request
    }

    /// "require, no root cert, channel_binding=require, asks scram-sha-256"
    public var description: String {
        var parts = [sslMode.rawValue]
        parts.append(hasRootCert ? "root cert" : "no root cert")
        if channelBinding != .prefer { parts.append("channel_binding=\(channelBinding)") }
        if request != .cleartextPassword { parts.append("IMPOSTOR asks SCRAM") }
        return parts.joined(separator: ", ")
    }

    /// The cases `sslmatrix impostor` runs: every sslmode against both variants (require
    /// twice: without a root certificate as in the article, and with one), then
    /// channel_binding=require against both kinds of password request.
    public static var standard: [ImpostorCase] {
        var cases: [ImpostorCase] = []
        for variant in ImpostorVariant.allCases {
            for mode in SSLMode.allCases {
                if mode == .require { cases.append(ImpostorCase(mode, rootCert: false, variant: variant)) }
                cases.append(ImpostorCase(mode, variant: variant))
            }
        }
        cases.append(ImpostorCase(.require, rootCert: false, channelBinding: .require, variant: .untrustedCA))
        cases.append(
            ImpostorCase(
                .require, rootCert: false, channelBinding: .require, variant: .untrustedCA,
                request: .scramWithoutChannelBinding))
        cases.append(
            ImpostorCase(.verifyCA, channelBinding: .require, variant: .wrongHost, request: .scramWithoutChannelBinding)
        )
        cases.append(
            ImpostorCase(.require, rootCert: false, variant: .untrustedCA, request: .scramWithoutChannelBinding))
        return cases
    }
}
