import ClusterKit

/// One connection attempt as the probe saw it, in the shape the model predicts: transport,
/// result, SQLSTATE and the server's log lines for it.
struct ObservedAttempt: Sendable, Hashable, CustomStringConvertible {
    var tls: Bool
    var accepted: Bool
    var sqlstate: String?
    var serverLog: [String]

    var description: String { "\(tls ? "TLS" : "plain") \(accepted ? "accepted" : "failed")" }

    /// The attempts of `outcome`, in order. A rejected connection has one error block per
    /// attempt (libpq 14+ appends them) and one socket per attempt that reached the server; a
    /// failure before any socket (an invalid parameter) is an attempt without one.
    ///
    /// Transport: TLS when libpq held an SSL object on the socket between PQconnectPoll steps
    /// (`Socket.tls`), or when the server's lines for the socket show it ran SSL_accept
    /// ("could not accept SSL connection", "SSL encryption", "SSL enabled"): a client that
    /// fails inside initialize_SSL, after the server's 'S', does so within one poll step;
    /// or when libpq's text for the attempt comes from its TLS code (`tlsOnlyTexts`: errors
    /// only fe-secure-openssl.c / fe-secure-common.c write, e.g. a host-name mismatch found
    /// right after the handshake, seen once in ~11,000 cases to finish between two samples).
    static func of(_ outcome: Outcome) -> [ObservedAttempt] {
        let sockets = outcome.sockets
        let blocks = outcome.rejection?.attempts ?? []
        let count = outcome.isAccepted ? sockets.count : max(sockets.count, blocks.count)
        return (0..<count).map { i in
            let socket = i < sockets.count ? sockets[i] : nil
            let lines = socket?.serverLog ?? []
            let serverSawTLS = serverSawTLS(lines)
            let error = lines.first { $0.severity == "FATAL" || $0.severity == "ERROR" }
            let sqlstate = error?.sqlstate ?? (i < blocks.count ? blocks[i].sqlstate : nil)
            let clientSaidTLS =
                i < blocks.count && tlsOnlyTexts.contains { blocks[i].message.contains($0) }
            return ObservedAttempt(
                tls: (socket?.tls ?? false) || serverSawTLS || clientSaidTLS,
                accepted: outcome.isAccepted && i == count - 1,
                sqlstate: sqlstate, serverLog: lines.map(\.description))
        }
    }

    /// The server's lines show the socket ran TLS: SSL_accept ran ("could not accept SSL
    /// connection"), the pg_hba lookup says "SSL encryption", the session is "SSL enabled",
    /// or the connection matched a `hostssl` line or a rule only TLS can reach (clientcert,
    /// the cert method).
    static func serverSawTLS(_ lines: [Outcome.LogLine]) -> Bool {
        lines.contains {
            $0.message.hasPrefix("could not accept SSL connection") || $0.message.hasSuffix(", SSL encryption")
                || ($0.message.hasPrefix("connection authorized") && $0.message.contains(" SSL enabled"))
                || $0.message.hasPrefix("connection requires a valid client certificate")
                || $0.message.hasPrefix("certificate authentication failed")
                || $0.message.range(of: #"line [0-9]+: "hostssl"#, options: .regularExpression) != nil
        }
    }

    /// The server's lines show the socket ran WITHOUT TLS: the pg_hba lookup says "no
    /// encryption", the session was authorised without "SSL enabled", or the connection
    /// matched a `hostnossl` line. Absence of TLS evidence is not evidence of plaintext.
    static func serverSawPlaintext(_ lines: [Outcome.LogLine]) -> Bool {
        lines.contains {
            $0.message.hasSuffix(", no encryption")
                || ($0.message.hasPrefix("connection authorized") && !$0.message.contains(" SSL enabled"))
                || $0.message.range(of: #"line [0-9]+: "hostnossl"#, options: .regularExpression) != nil
        }
    }

    /// Texts libpq writes only on an attempt that started TLS (fe-secure-openssl.c initialize_SSL,
    /// open_client_SSL; fe-secure-common.c pq_verify_peer_name_matches_certificate).
    static let tlsOnlyTexts = [
        "SSL error: ", "SSL SYSCALL error", "server certificate for ", "does not match host name",
        "root certificate file ", "private key file ", "could not load private key", "could not read certificate",
        "certificate present, but not private key", "could not get server's host name from server certificate",
        "SSL certificate's name entry is missing", "SSL certificate's name contains embedded null",
        "SSL certificate's address entry is missing",
    ]
}
