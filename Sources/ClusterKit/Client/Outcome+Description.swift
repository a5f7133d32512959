import Foundation

extension Outcome {
    /// A few lines a DBA can read: the parameters, the verdict, both views, the server log.
    public var description: String {
        var out = ["probe \(parameters)"]
        switch result {
        case .notAttempted(let reason):
            out.append("  not attempted: \(reason)")
        case .accepted(let s):
            let c = s.client
            out.append(
                "  accepted: "
                    + (c.encrypted
                        ? "\(c.protocol ?? "?") \(c.cipher ?? "?") \(c.keyBits.map { "\($0) bits" } ?? "")"
                        : "not encrypted"))
            let v = s.server
            out.append(
                "  server view: ssl=\(v.ssl) \(v.version ?? "-") \(v.cipher ?? "-") bits=\(v.bits.map(String.init) ?? "-")"
                    + " client_dn=\(v.clientDN ?? "-") issuer_dn=\(v.issuerDN ?? "-") serial=\(v.clientSerial ?? "-")"
                    + " user=\(v.user ?? "-") cluster=\(v.clusterName ?? "-")")
            if let i = s.sslinfo {
                out.append(
                    "  sslinfo: used=\(i.isUsed) \(i.version ?? "-") \(i.cipher ?? "-") cert=\(i.clientCertPresent)"
                        + " dn=\(i.clientDN ?? "-") issuer=\(i.issuerDN ?? "-")")
            }
            let a = s.authentication
            out.append(
                "  authenticated: current_user=\(s.currentUser) session_user=\(s.sessionUser)"
                    + " method=\(a.method ?? "-") sasl=\(a.saslMechanism ?? "-")"
                    + " channel_binding=\(a.channelBindingUsed.map { $0 ? "used" : "not used" } ?? "unknown")")
            if let e = s.queryError { out.append("  view query failed: \(e)") }
        case .rejected(let r):
            out.append("  rejected\(r.timedOut ? " (timed out)" : ""):")
            for attempt in r.attempts {
                out.append(
                    "    \(attempt.prefix)\(attempt.message)"
                        .replacingOccurrences(of: "\n", with: "\n      ")
                        + (attempt.sqlstate.map { "  [SQLSTATE \($0)]" } ?? ""))
            }
        }
        if let wrongServer { out.append("  WRONG SERVER: \(wrongServer)") }
        for socket in sockets {
            out.append(
                "  socket 127.0.0.1:\(socket.localPort) -> backend \(socket.serverPID.map(String.init) ?? "none")"
                    + (socket.logComplete ? "" : " (log may be incomplete)"))
            for line in socket.serverLog { out.append("    \(line)") }
        }
        out.append(String(format: "  %.1f ms connect, %.1f ms log wait", connectMilliseconds, logWaitMilliseconds))
        return out.joined(separator: "\n")
    }
}
