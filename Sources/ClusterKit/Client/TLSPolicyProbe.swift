import Foundation

/// Checks a server's TLS policy from outside with `openssl s_client -starttls postgres`:
/// which protocol versions and ciphers it accepts (ssl_min_protocol_version,
/// ssl_max_protocol_version, ssl_ciphers) and which certificates it sends (the bundle in
/// ssl_cert_file), independent of libpq.
///
/// stdin is closed, so s_client ends right after the handshake; `coreutils timeout` bounds
/// the whole run. Forcing TLSv1.1 also sets `-cipher DEFAULT@SECLEVEL=0`: OpenSSL 3.0 at its
/// default security level cannot negotiate TLSv1.1 at all, and the point is to observe the
/// SERVER's refusal. `Result.refusedBy` says which side refused, from s_client's own words.
public struct TLSPolicyProbe: Sendable {
    public enum ProtocolVersion: String, Sendable, Hashable, Codable, CaseIterable {
        case tls1 = "TLSv1", tls1_1 = "TLSv1.1", tls1_2 = "TLSv1.2", tls1_3 = "TLSv1.3"

        var flag: String {
            switch self {
            case .tls1: "-tls1"
            case .tls1_1: "-tls1_1"
            case .tls1_2: "-tls1_2"
            case .tls1_3: "-tls1_3"
            }
        }
    }

    public struct Certificate: Sendable, Hashable, Codable, CustomStringConvertible {
        /// As s_client prints it: "CN = localhost".
        public let subject: String
        public let issuer: String
        public var description: String { "s:\(subject) i:\(issuer)" }
    }

    public enum Refusal: String, Sendable, Hashable, Codable {
        /// The server sent an alert or closed the connection during the handshake.
        case server
        /// This s_client could not even offer the requested protocol/ciphers.
        case client
    }

    public struct Result: Sendable, Hashable, Codable, CustomStringConvertible {
        public let commandLine: String
        public let accepted: Bool
        public let refusedBy: Refusal?
        /// "TLSv1.3" when accepted.
        public let `protocol`: String?
        public let cipher: String?
        /// The certificates the server sent, leaf first (`-showcerts` "Certificate chain").
        public let chain: [Certificate]
        /// The TLS alert s_client reported, e.g. "tlsv1 alert protocol version".
        public let alert: String?
        public let exitCode: Int32?
        public let output: String

        public var description: String {
            var lines = ["$ \(commandLine)"]
            lines.append(
                accepted
                    ? "  accepted: \(self.protocol ?? "?") \(cipher ?? "?")"
                    : "  refused by \(refusedBy?.rawValue ?? "?")\(alert.map { ": \($0)" } ?? "")")
            lines += chain.enumerated().map { "  \($0.offset) \($0.element)" }
            return lines.joined(separator: "\n")
        }
    }

    public let host: String
    public let port: Int
    /// SNI and the name s_client checks nothing against (no -verify_hostname): for the record.
    public let serverName: String
    public var timeoutSeconds = 10

    public init(host: String = "127.0.0.1", port: Int, serverName: String) {
        self.host = host
        self.port = port
        self.serverName = serverName
    }

    public init(cluster: Cluster, serverName: String) {
        self.init(port: cluster.port, serverName: serverName)
    }

    /// One handshake. `cipher` is the TLS <= 1.2 list (`-cipher`), `ciphersuites` the TLSv1.3
    /// one (`-ciphersuites`).
    public func handshake(
        version: ProtocolVersion? = nil, cipher: String? = nil, ciphersuites: String? = nil
    ) async throws -> Result {
        var arguments = [
            String(timeoutSeconds), "openssl", "s_client", "-starttls", "postgres",
            "-connect", "\(host):\(port)", "-servername", serverName, "-showcerts",
        ]
        if let version { arguments.append(version.flag) }
        if let cipher {
            arguments += ["-cipher", cipher]
        } else if version == .tls1_1 || version == .tls1 {
            arguments += ["-cipher", "DEFAULT@SECLEVEL=0"]
        }
        if let ciphersuites { arguments += ["-ciphersuites", ciphersuites] }
        let run = try await Command.run("/usr/bin/timeout", arguments)
        return TLSPolicyProbe.parse(run)
    }

    static func parse(_ run: CommandResult) -> Result {
        let output = run.standardOutput + run.standardError
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var chain: [Certificate] = []
        var pendingSubject: String? = nil
        var negotiated: (String, String)? = nil
        for line in lines {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if let range = trimmed.range(of: #"^[0-9]+ s:"#, options: .regularExpression) {
                pendingSubject = String(trimmed[range.upperBound...])
            } else if trimmed.hasPrefix("i:"), let subject = pendingSubject {
                chain.append(Certificate(subject: subject, issuer: String(trimmed.dropFirst(2))))
                pendingSubject = nil
            } else if trimmed.hasPrefix("New, "), trimmed.contains(", Cipher is ") {
                // "New, TLSv1.3, Cipher is TLS_AES_256_GCM_SHA384" / "New, (NONE), Cipher is (NONE)"
                let parts = trimmed.dropFirst(5).components(separatedBy: ", Cipher is ")
                if parts.count == 2, parts[0] != "(NONE)", parts[1] != "(NONE)" {
                    negotiated = (parts[0], parts[1])
                }
            }
        }
        let alert = lines.lazy.compactMap { line -> String? in
            guard let r = line.range(of: #"(ssl|tlsv1[0-9.]*) alert [a-z ]+"#, options: .regularExpression) else {
                return nil
            }
            return String(line[r])
        }.first
        let clientSide = [
            "no protocols available", "no ciphers available", "no cipher match", "no suitable signature algorithm",
        ]
        .contains { output.contains($0) }
        let accepted = negotiated != nil
        let refusal: Refusal? = accepted ? nil : (clientSide ? .client : .server)
        return Result(
            commandLine: run.commandLine, accepted: accepted, refusedBy: refusal,
            protocol: negotiated?.0, cipher: negotiated?.1, chain: chain, alert: alert,
            exitCode: run.exitCode, output: output)
    }
}
